"""SQL for conditions on custom fields.

A field whose readings are current is read from the contact's row of contact_search (alias
`s`): `readings` maps field ids to the value read as the field's type (query/search_readings.py),
GIN-indexed for equality (`@>`) and "holds a value" (`?`); ranges compare the readings. A text
longer than a reading, or a field whose readings are being redone after a type change, is read
from the contact row `c` instead (see `needs_contact`).
"""

from __future__ import annotations

from query.ast import Operator
from query.resolved import FieldCondition
from query.search_readings import (
    READING_TEXT_LENGTH,
    moment_reading,
    number_reading,
    numeric_text,
    text_reading,
)
from query.sql_ordered import compare, within_day
from query.sql_params import SqlParams
from query.values import DayValue, NoValue, NumberValue, TextValue


def field_sql(condition: FieldCondition, params: SqlParams) -> str:
    if condition.field.readings_stale:
        return _contact_field_sql(condition, params)
    field_id = int(condition.field.id)
    key = f"'{field_id}'"
    reading = f"nullif(s.readings -> {key}, 'null')"
    operator, value = condition.operator, condition.value
    match value:
        case NoValue():
            present = f"(s.readings ? {key} AND {reading} IS NOT NULL)"
            return f"NOT {present}" if operator is Operator.EQ else present
        case TextValue():
            same = _contains(text_reading(field_id, value.folded), params)
            if needs_contact(condition):
                same = f"({same} AND {_stored_text(condition, params)} = {_text(value, params)})"
            return f"NOT ({same})" if operator is Operator.NEQ else same
        case NumberValue() if operator is Operator.EQ:
            return _contains(number_reading(field_id, value.number), params)
    return _ordered(reading, condition, params)


def needs_contact(condition: FieldCondition) -> bool:
    """Whether the condition reads the contact row: a text value longer than a reading is only
    matched exactly there, and a field being re-read is read only there."""
    value = condition.value
    return condition.field.readings_stale or (
        isinstance(value, TextValue) and len(value.folded) >= READING_TEXT_LENGTH
    )


def _contact_field_sql(condition: FieldCondition, params: SqlParams) -> str:
    """The same condition over the stored value in `c.fields`: slower, never stale."""
    operator, value = condition.operator, condition.value
    if isinstance(value, TextValue):
        return compare(_stored_text(condition, params), operator, _text(value, params))
    field = condition.field
    value_type = params.add(field.value_type.value, "text")
    reading = f"field_reading(c.fields -> {params.add(str(field.uuid), 'text')}, {value_type})"
    if isinstance(value, NoValue):
        present = f"{reading} IS NOT NULL"
        return f"NOT ({present})" if operator is Operator.EQ else present
    return _ordered(reading, condition, params)


def _ordered(reading: str, condition: FieldCondition, params: SqlParams) -> str:
    """A number or day condition compared with `reading`, a JSONB reading or NULL."""
    operator, value = condition.operator, condition.value
    match value:
        case NumberValue():
            return compare(reading, operator, params.add(numeric_text(value.number), "jsonb"))
        case DayValue():
            start, end = moment_reading(value.start), moment_reading(value.end)
            return within_day(reading, operator, start, end, "jsonb", params)
    raise ValueError(f"no SQL for {condition}")


def _stored_text(condition: FieldCondition, params: SqlParams) -> str:
    key = params.add(str(condition.field.uuid), "text")
    return f"lower(btrim(c.fields -> {key} ->> 'text'))"


def _text(value: TextValue, params: SqlParams) -> str:
    return params.add(value.folded, "text")


def _contains(reading: str, params: SqlParams) -> str:
    return f"s.readings @> {params.add(reading, 'jsonb')}"
