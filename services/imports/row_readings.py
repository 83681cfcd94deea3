"""The search readings of an imported contact's field values, computed where its row is read.

They must equal what the database computes (`field_reading` in
migrations/0013_field_readings.py) for the field's type; where Python cannot promise that
(text with letters beyond ASCII, whose lowercase the database's locale decides) the row
gets none and the database reads its values itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from models.enums import FieldType
from query.search_readings import READING_TEXT_LENGTH, moment_reading, numeric_text
from services.fields.values import FieldDefinition


def reading_entry(field: FieldDefinition, stored: dict[str, Any]) -> str | None:
    """`"<field id>": <reading>` as a JSON object member, or None when only the database can
    tell (a field the import creates has no id yet)."""
    if not field.id:
        return None
    reading = _reading(field.value_type, stored)
    return None if reading is None else f'"{int(field.id)}": {reading}'


def _reading(value_type: FieldType, stored: dict[str, Any]) -> str | None:
    match value_type:
        case FieldType.TEXT:
            text: str = stored["text"]
            if not text.isascii():
                return None
            return json.dumps(text.lower()[:READING_TEXT_LENGTH])
        case FieldType.NUMBER:
            number = stored.get("number")
            return "null" if number is None else numeric_text(Decimal(str(number)))
        case FieldType.DATETIME:
            moment = stored.get("datetime")
            return "null" if moment is None else moment_reading(datetime.fromisoformat(moment))
    return None


def readings_object(entries: Iterable[str | None]) -> str | None:
    """The JSON object of a row's entries; None if any entry is unknown."""
    parts = list(entries)
    if any(part is None for part in parts):
        return None
    return "{" + ", ".join(p for p in parts if p is not None) + "}"
