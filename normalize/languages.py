"""Languages, stored as ISO 639-3 codes, read from the forms people write: the ISO 639-3 code
(`eng`), the two-letter ISO 639-1 code (`en`), the ISO 639-2 bibliographic code (`fre`) or the
English name (`French`, `Swahili`), in any case."""

from __future__ import annotations

from functools import cache

import pycountry

from normalize.errors import InvalidValue

REASON = (
    "is not a language: give its ISO 639-3 code such as eng or fra, its two-letter code such "
    "as en, or its English name"
)


def normalize_language(text: str) -> str:
    """The lowercase ISO 639-3 code, e.g. `ENG`, `en` or `English` → `eng`."""
    code = _language_index().get(text.strip().casefold())
    if code is None:
        raise InvalidValue(text, REASON)
    return code


@cache
def _language_index() -> dict[str, str]:
    """Every accepted spelling → its ISO 639-3 code. Codes win over names, and a name's full
    form over its short form ("Swahili (macrolanguage)" → swa, "Swahili" → swa as well)."""
    languages = sorted(pycountry.languages, key=lambda lang: getattr(lang, "scope", "") != "M")
    index: dict[str, str] = {}
    for language in languages:
        name: str = language.name
        index.setdefault(name.casefold(), language.alpha_3)
    for language in languages:
        short = language.name.split(" (", 1)[0].casefold()
        index.setdefault(short, language.alpha_3)
    for code in ("bibliographic", "alpha_2", "alpha_3"):  # an ISO 639-3 code always wins
        for language in languages:
            value = getattr(language, code, None)
            if value:
                index[value.casefold()] = language.alpha_3
    return index
