"""Plain decimal numbers as people type them: `-1.25`, `.5`, `5.`."""

from __future__ import annotations

import re
from decimal import Decimal

from normalize.errors import InvalidValue

MAX_SIGNIFICANT_DIGITS = 36
MAX_MAGNITUDE = Decimal(10) ** 100

_PLAIN_NUMBER = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_SCIENTIFIC_NOTATION = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+")
_GROUPED_OR_COMMA_DECIMAL = re.compile(r"[-+]?[0-9][0-9,.]*")


def parse_number(text: str) -> Decimal:
    """The exact value of `text`, or InvalidValue naming the rule it breaks."""
    reading = _read_number(text)
    if isinstance(reading, str):
        raise InvalidValue(text, reading)
    return reading


def is_plain_number(text: str) -> bool:
    """True exactly when `parse_number` would accept `text`."""
    return not isinstance(_read_number(text), str)


def _read_number(text: str) -> Decimal | str:
    """The number, or the reason it is refused."""
    written = text.strip()
    if not written:
        return "is empty: a number is expected"
    if not _PLAIN_NUMBER.fullmatch(written):
        return _why_not_plain(written)
    digits = written.lstrip("-").replace(".", "").strip("0")
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        return f"has more than {MAX_SIGNIFICANT_DIGITS} significant digits"
    number = Decimal(written)
    if number.copy_abs() > MAX_MAGNITUDE:
        return "is too large: numbers must be between -10^100 and 10^100"
    return number.copy_abs() if number.is_zero() else number


def _why_not_plain(written: str) -> str:
    if _SCIENTIFIC_NOTATION.fullmatch(written):
        return "uses scientific notation: write the number out in full"
    if written.startswith("+") and _PLAIN_NUMBER.fullmatch(written[1:]):
        return "starts with +: only a leading minus sign is allowed"
    if "," in written and _GROUPED_OR_COMMA_DECIMAL.fullmatch(written):
        return (
            "contains a comma: write numbers without thousands separators, with a dot for decimals"
        )
    return "is not a number: use digits with an optional leading minus and decimal point"
