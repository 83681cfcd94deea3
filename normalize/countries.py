"""Countries as ISO 3166 alpha-2 codes, and IANA time zone names."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

import pycountry

from normalize.errors import InvalidValue


def normalize_country(code: str) -> str:
    """The uppercase ISO 3166 alpha-2 code, e.g. `rw` → `RW`."""
    normalized = code.strip().upper()
    if normalized not in _country_codes():
        raise InvalidValue(code, "is not an ISO 3166 two-letter country code, such as US or RW")
    return normalized


def is_timezone(name: str) -> bool:
    """True for IANA names such as `Africa/Kigali` (exact case)."""
    return name in _timezone_names()


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def _timezone_names() -> frozenset[str]:
    return frozenset(available_timezones())
