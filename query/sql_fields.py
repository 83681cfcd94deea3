"""SQL for conditions on custom fields, over alias `s`: the contact's row of contact_search.

That narrow table (migrations/0012_contact_search.py) holds, per field value and keyed by the
field's id, GIN-indexed terms (query/search_terms.py) and the readings that ranges compare.
Equality and "has a value" are term containment; a text longer than a term also checks the
stored value in the contact row `c` (see `needs_contact`).
"""

from __future__ import annotations

from datetime import datetime

from query.ast import Operator
from query.resolved import FieldCondition
from query.search_terms import TEXT_TERM_LENGTH, number_term, presence_term, text_term
from query.sql_ordered import compare, within_day
from query.sql_params import SqlParams
from query.values import DayValue, NoValue, NumberValue, TextValue


def field_sql(condition: FieldCondition, params: SqlParams) -> str:
    field_id = int(condition.field.id)
    operator, value = condition.operator, condition.value
    match value:
        case NoValue():
            present = _has(presence_term(field_id, condition.field.value_type), params)
            return f"NOT ({present})" if operator is Operator.EQ else present
        case TextValue():
            same = _has(text_term(field_id, value.folded), params)
            if needs_contact(condition):
                key = params.add(str(condition.field.uuid), "text")
                stored = f"lower(btrim(c.fields -> {key} ->> 'text'))"
                same = f"({same} AND {stored} = {params.add(value.folded, 'text')})"
            return f"NOT ({same})" if operator is Operator.NEQ else same
        case NumberValue():
            if operator is Operator.EQ:
                return _has(number_term(field_id, value.number), params)
            number = f"(s.numbers ->> '{field_id}')::numeric"
            return compare(number, operator, params.add(value.number, "numeric"))
        case DayValue():
            start, end = utc_text(value.start), utc_text(value.end)
            moment = f"(s.moments ->> '{field_id}') COLLATE \"C\""
            return within_day(moment, operator, start, end, "text", params)
    raise ValueError(f"no SQL for {condition}")


def needs_contact(condition: FieldCondition) -> bool:
    """A text value longer than a term is only matched exactly against the contact row."""
    value = condition.value
    return isinstance(value, TextValue) and len(value.folded) >= TEXT_TERM_LENGTH


def utc_text(moment: datetime) -> str:
    """The fixed-width UTC form datetime field values are stored in."""
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}Z"
    )


def _has(term: str, params: SqlParams) -> str:
    return f"s.terms @> {params.add([term], 'text[]')}"
