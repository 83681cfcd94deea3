"""Typed readings of field values and query literals: numbers, dates and date-times."""

from __future__ import annotations

from normalize.dates import format_date, parse_date, parse_datetime
from normalize.numeric import is_plain_number, parse_number

__all__ = ["format_date", "is_plain_number", "parse_date", "parse_datetime", "parse_number"]
