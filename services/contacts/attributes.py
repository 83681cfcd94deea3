"""Cleaning of the built-in contact attributes, shared by the API, imports and jobs."""

from __future__ import annotations

from normalize.countries import normalize_country
from normalize.errors import InvalidValue
from normalize.languages import normalize_language
from services.clear_mark import CLEAR_MARK, refuse_clear_mark
from services.errors import InvalidInput

MAX_NAME = 128
MAX_SHORT_TEXT = 128
MAX_NOTES = 10_000


# In an imported cell, this alone clears the value; no stored value may be exactly it, or
# an exported file would clear what it holds when imported again.
def _label(field: str) -> str:
    spaced = "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in field)
    return spaced.replace("_", " ").capitalize()


def clean_text(value: str | None, *, field: str, max_length: int = MAX_SHORT_TEXT) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split()) if field != "notes" else value.strip()
    if not cleaned:
        return None
    if cleaned == CLEAR_MARK:  # the label is built only for the error
        refuse_clear_mark(cleaned, what=_label(field).lower(), field=field)
    if len(cleaned) > max_length:
        raise InvalidInput(
            f"{_label(field)} is {len(cleaned)} characters long; the limit is {max_length}.",
            field=field,
        )
    return cleaned


def clean_name(value: str | None) -> str | None:
    return clean_text(value, field="name", max_length=MAX_NAME)


def clean_notes(value: str | None) -> str | None:
    return clean_text(value, field="notes", max_length=MAX_NOTES)


def clean_language(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return normalize_language(value.strip())
    except InvalidValue as exc:
        raise InvalidInput(str(exc), field="language") from exc


def clean_country(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return normalize_country(value.strip())
    except InvalidValue as exc:
        raise InvalidInput(str(exc), field="country") from exc
