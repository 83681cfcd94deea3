"""How contact_search spells its terms (migrations/0012_contact_search.py writes the same):
`<field id><reading>` for "has a value that reads as this", `<field id>t=<folded text>` and
`<field id>n=<number>` for equality. Readings: t(ext), n(umber), d(atetime)."""

from __future__ import annotations

from decimal import Decimal

from models.enums import FieldType

TEXT_TERM_LENGTH = 100
READING_CODES = {FieldType.TEXT: "t", FieldType.NUMBER: "n", FieldType.DATETIME: "d"}


def presence_term(field_id: int, reading: FieldType) -> str:
    return f"{int(field_id)}{READING_CODES[reading]}"


def text_term(field_id: int, folded: str) -> str:
    return f"{int(field_id)}t={folded[:TEXT_TERM_LENGTH]}"


def number_term(field_id: int, number: Decimal) -> str:
    return f"{int(field_id)}n={numeric_text(number)}"


def numeric_text(number: Decimal) -> str:
    """As PostgreSQL writes trim_scale(number)::text: no exponent, no trailing zeros."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
