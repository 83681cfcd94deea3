"""URNs (`scheme:path`): how each scheme's path is checked and stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

from normalize.errors import InvalidValue
from normalize.phones import looks_like_phone_fragment, normalize_phone, read_complete_phone

__all__ = [
    "MAX_PATH_LENGTH",
    "Scheme",
    "format_urn",
    "looks_like_phone_fragment",
    "normalize_path",
    "parse_urn",
    "read_complete_phone",
]

MAX_PATH_LENGTH = 255

_WHITESPACE = re.compile(r"\s")
_WHATSAPP_SEPARATORS = re.compile(r"[\s-]")
_DIGITS = re.compile(r"[0-9]+")
_TELEGRAM_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")


class Scheme(StrEnum):
    TEL = "tel"
    MAILTO = "mailto"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    EXT = "ext"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    VIBER = "viber"
    LINE = "line"
    TWITTER = "twitter"


def normalize_path(scheme: Scheme, raw: str, *, country: str) -> str:
    """The stored form of a path for `scheme`; `country` is the default for national phones.

    A path written as a whole URN of the same scheme (`mailto:ann@example.com` copied from a
    link into an email column) is read as its path."""
    written_scheme, colon, path = raw.strip().partition(":")
    if not colon or written_scheme.lower() != scheme.value:
        return _normalize_path(scheme, raw, country=country)
    try:
        return _normalize_path(scheme, path, country=country)
    except InvalidValue as refused:
        raise InvalidValue(raw, refused.reason) from None


def _normalize_path(scheme: Scheme, raw: str, *, country: str) -> str:
    if not raw.strip():
        raise InvalidValue(raw, f"is empty: a {scheme} URN needs a path")
    too_long = f"is longer than {MAX_PATH_LENGTH} characters"
    if len(raw.strip()) > MAX_PATH_LENGTH:
        raise InvalidValue(raw, too_long)
    if scheme is Scheme.TEL:
        return normalize_phone(raw, country=country)
    path = _PATH_RULES.get(scheme, _normalize_opaque)(raw)
    if len(path) > MAX_PATH_LENGTH:  # lowercasing can lengthen some non-ASCII text
        raise InvalidValue(raw, too_long)
    return path


def parse_urn(text: str, *, country: str) -> tuple[Scheme, str]:
    """Read `scheme:path` (scheme in any case) and return the scheme with the normalized path."""
    written_scheme, colon, path = text.strip().partition(":")
    if not colon:
        raise InvalidValue(text, "is not a URN: write it as scheme:path, e.g. tel:+12025550143")
    try:
        scheme = Scheme(written_scheme.strip().lower())
    except ValueError:
        known = ", ".join(Scheme)
        raise InvalidValue(
            text, f'has an unknown scheme "{written_scheme}": use one of {known}'
        ) from None
    return scheme, normalize_path(scheme, path, country=country)


def format_urn(scheme: Scheme, path: str) -> str:
    return f"{scheme}:{path}"


def _normalize_email(raw: str) -> str:
    address = raw.strip().lower()
    if _WHITESPACE.search(address):
        problem = "it contains spaces"
    elif address.count("@") != 1:
        problem = "it needs exactly one @"
    else:
        local, _, domain = address.partition("@")
        labels = domain.split(".")
        if not local:
            problem = "nothing comes before the @"
        elif len(labels) < 2 or not all(labels):
            problem = "the part after the @ must be a domain such as example.com"
        else:
            return address
    raise InvalidValue(raw, f"is not an email address: {problem}")


def _normalize_whatsapp(raw: str) -> str:
    digits = _WHATSAPP_SEPARATORS.sub("", raw.strip()).removeprefix("+")
    if not _DIGITS.fullmatch(digits):
        raise InvalidValue(
            raw, "is not a WhatsApp id: use the number's digits (+, spaces and dashes are allowed)"
        )
    if not 5 <= len(digits) <= 15:
        raise InvalidValue(raw, "is not a WhatsApp id: it must have 5 to 15 digits")
    return digits


def _normalize_telegram(raw: str) -> str:
    text = raw.strip()
    if _DIGITS.fullmatch(text):
        return text
    username = text.removeprefix("@")
    if _TELEGRAM_USERNAME.fullmatch(username):
        return username.lower()
    raise InvalidValue(
        raw,
        "is not a Telegram id: use a numeric chat id, or a username of 5 to 32 letters, "
        "digits and underscores that starts with a letter",
    )


def _normalize_opaque(raw: str) -> str:
    path = raw.strip()
    if _WHITESPACE.search(path):
        raise InvalidValue(raw, "contains spaces, which an identifier cannot have")
    return path


_PATH_RULES: dict[Scheme, Callable[[str], str]] = {
    Scheme.MAILTO: _normalize_email,
    Scheme.WHATSAPP: _normalize_whatsapp,
    Scheme.TELEGRAM: _normalize_telegram,
}

# Schemes whose paths are stored in one case, so equal paths are equal strings; the others
# keep the case they were written in.
CASE_FOLDED = frozenset({Scheme.TEL, Scheme.MAILTO, Scheme.WHATSAPP, Scheme.TELEGRAM})
