"""How contact_search spells a field's readings (migrations/0013_field_readings.py writes the
same): a JSONB object keyed by field id, each value read as the field's current type —
folded text cut to 100 characters, a number, or a datetime as Unix seconds — or JSON null
when the value does not read as that type."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

READING_TEXT_LENGTH = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def text_reading(field_id: int, folded: str) -> str:
    """The JSONB object a contact holding this text contains."""
    return json.dumps({str(int(field_id)): folded[:READING_TEXT_LENGTH]}, ensure_ascii=False)


def number_reading(field_id: int, number: Decimal) -> str:
    return f'{{"{int(field_id)}": {numeric_text(number)}}}'


def moment_reading(moment: datetime) -> str:
    """An instant as the JSONB number a datetime reading holds: seconds since 1970, UTC."""
    delta = moment - _EPOCH
    seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6
    return numeric_text(seconds)


def numeric_text(number: Decimal) -> str:
    """As PostgreSQL writes trim_scale(number)::text: no exponent, no trailing zeros."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
