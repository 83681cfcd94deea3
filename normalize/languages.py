"""Languages as ISO 639-3 codes."""

from __future__ import annotations

from functools import cache

import pycountry

from normalize.errors import InvalidValue


def is_language(code: str) -> bool:
    return code.strip().lower() in _language_codes()


def normalize_language(code: str) -> str:
    """The lowercase ISO 639-3 code, e.g. `ENG` → `eng`."""
    normalized = code.strip().lower()
    if normalized not in _language_codes():
        raise InvalidValue(code, "is not an ISO 639-3 language code, such as eng or fra")
    return normalized


@cache
def _language_codes() -> frozenset[str]:
    return frozenset(language.alpha_3 for language in pycountry.languages)
