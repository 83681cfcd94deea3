"""Custom field values: what was entered, kept beside every typed reading of it.

A value is stored under the field's UUID as {"text": ..., "number": ..., "datetime": ...}
where `number` and `datetime` are present only when the text reads as one. Keeping every
reading makes a type change lossless and instant: the field's type only picks which
reading counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from models.enums import DateFormat, FieldType
from normalize.errors import InvalidValue
from normalize.values import parse_datetime, parse_number
from services.clear_mark import refuse_clear_mark
from services.errors import InvalidInput

MAX_TEXT = 640
CLEAR = None


@dataclass(frozen=True, slots=True)
class FieldDefinition:
    id: int
    uuid: str
    key: str
    name: str
    value_type: FieldType
    featured: bool
    position: int | None


def format_datetime(value: datetime) -> str:
    """Fixed-width UTC text, so text order is time order."""
    utc = value.astimezone(UTC)
    return f"{utc.year:04d}-" + utc.strftime("%m-%dT%H:%M:%S.%fZ")


def _json_number(value: Decimal) -> int | float | str:
    if value == value.to_integral_value() and abs(value) < Decimal(10) ** 15:
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


def read_value(
    text: str, *, field: FieldDefinition, date_format: DateFormat, tz: ZoneInfo
) -> dict[str, Any]:
    """Every reading of `text`; refuses text that does not fit the field's current type."""
    entered = text.strip()
    if len(entered) > MAX_TEXT:
        raise InvalidInput(
            f"The value for field {field.name} is {len(entered)} characters long; "
            f"the limit is {MAX_TEXT}.",
            field=f"fields.{field.key}",
        )
    refuse_clear_mark(entered, what=f"value for field {field.name}", field=f"fields.{field.key}")
    stored: dict[str, Any] = {"text": entered}
    number_error: InvalidValue | None = None
    date_error: InvalidValue | None = None
    try:
        stored["number"] = _json_number(parse_number(entered))
    except InvalidValue as exc:
        number_error = exc
    try:
        stored["datetime"] = format_datetime(
            parse_datetime(entered, date_format=date_format, tz=tz)
        )
    except InvalidValue as exc:
        date_error = exc
    if field.value_type is FieldType.NUMBER and number_error is not None:
        raise InvalidInput(
            f'"{entered}" is not a number for field {field.name}: '
            f"{_detail(number_error.reason, 'number')}.",
            field=f"fields.{field.key}",
        )
    if field.value_type is FieldType.DATETIME and date_error is not None:
        raise InvalidInput(
            f'"{entered}" is not a date for field {field.name}: '
            f"{_detail(date_error.reason, 'date')}.",
            field=f"fields.{field.key}",
        )
    return stored


def _detail(reason: str, kind: str) -> str:
    """A reader's reason without the "is not a number" the message has said already."""
    for said in (f"is not a {kind}: ", f"is not a valid {kind} "):
        if reason.startswith(said):
            return reason.removeprefix(said)
    return reason


def typed_value(stored: dict[str, Any] | None, value_type: FieldType) -> Any:
    """The reading that counts for the field's current type, None when there is none."""
    if not stored:
        return None
    return stored.get(value_type.value)
