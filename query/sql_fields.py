"""SQL for conditions on custom fields, stored in `contact.fields` under each field's uuid.

Equality and "has a value" are also written as containment in `contact.field_terms`, the terms
contact_field_terms() computes, kept by a trigger and indexed with GIN
(migrations/0002_search_indexes.py, 0006_field_terms_column.py). The exact check comes first:
it is cheap for rows read without the index.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from models.enums import FieldType
from query.ast import Operator
from query.resolved import FieldCondition
from query.sql_ordered import NULL_SAFE_NOT_EQUAL, compare, within_day
from query.sql_params import SqlParams
from query.values import DayValue, NoValue, NumberValue, TextValue

TEXT_TERM_LENGTH = 100

_VALUE_KEYS = {FieldType.TEXT: "text", FieldType.NUMBER: "number", FieldType.DATETIME: "datetime"}


def field_sql(condition: FieldCondition, params: SqlParams) -> str:
    field_uuid = str(condition.field.uuid)
    kind = _VALUE_KEYS[condition.field.value_type]
    key = params.add(field_uuid, "text")
    raw = f"(c.fields -> {key} ->> '{kind}')"
    operator, value = condition.operator, condition.value
    match value:
        case NoValue():
            if operator is Operator.EQ:
                return f"{raw} IS NULL"
            return _indexed(f"{raw} IS NOT NULL", f"{field_uuid}:{kind}", params)
        case TextValue():
            folded = f"lower(btrim({raw}))"
            if operator is Operator.NEQ:
                return f"{folded} {NULL_SAFE_NOT_EQUAL} {params.add(value.folded, 'text')}"
            check = f"{folded} = {params.add(value.folded, 'text')}"
            term = f"{field_uuid}:text={value.folded[:TEXT_TERM_LENGTH]}"
            return _indexed(check, term, params)
        case NumberValue():
            number = f"{raw}::numeric"
            if operator is not Operator.EQ:
                return compare(number, operator, params.add(value.number, "numeric"))
            check = f"{number} = {params.add(value.number, 'numeric')}"
            return _indexed(check, f"{field_uuid}:number={numeric_text(value.number)}", params)
        case DayValue():
            start, end = utc_text(value.start), utc_text(value.end)
            return within_day(f'{raw} COLLATE "C"', operator, start, end, "text", params)
    raise ValueError(f"no SQL for {condition}")


def numeric_text(number: Decimal) -> str:
    """As PostgreSQL writes trim_scale(number)::text: no exponent, no trailing zeros."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def utc_text(moment: datetime) -> str:
    """The fixed-width UTC form datetime field values are stored in."""
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}Z"
    )


def _indexed(check: str, term: str, params: SqlParams) -> str:
    return f"({check} AND c.field_terms @> {params.add([term], 'text[]')})"
