"""SQL for conditions on the contact's built-in attributes."""

from __future__ import annotations

from query.ast import Operator
from query.attributes import DATETIME_ATTRIBUTES, TEXT_ATTRIBUTES, Attribute
from query.resolved import AttributeCondition
from query.sql_ordered import compare, within_day
from query.sql_params import SqlParams
from query.values import (
    DayValue,
    FlagValue,
    GroupValue,
    NamePrefixes,
    NoValue,
    NumberValue,
    TextValue,
    UuidValue,
)
from query.words import word_start_pattern

# The text the contact_search_trgm index holds (migrations/0001_initial.py), over alias `c`.
SEARCH_TEXT = (
    "lower(coalesce(c.name, '') || ' ' || coalesce(c.company, '') || ' ' || coalesce(c.state, ''))"
)

_COLUMNS = {
    Attribute.UUID: "c.uuid",
    Attribute.ID: "c.id",
    Attribute.NAME: "c.name",
    Attribute.STATUS: "c.status",
    Attribute.LANGUAGE: "c.language",
    Attribute.COMPANY: "c.company",
    Attribute.JOB_TITLE: "c.job_title",
    Attribute.COUNTRY: "c.country",
    Attribute.STATE: "c.state",
    Attribute.CREATED_ON: "c.created_on",
    Attribute.MODIFIED_ON: "c.modified_on",
    Attribute.LAST_SEEN_ON: "c.last_seen_on",
}


def attribute_sql(condition: AttributeCondition, params: SqlParams) -> str:
    operator, value = condition.operator, condition.value
    if isinstance(value, GroupValue) or condition.attribute is Attribute.GROUP:
        group_id = value.group.id if isinstance(value, GroupValue) else None
        return membership_sql("group_contact", "group_id", group_id, operator, params)
    if isinstance(value, FlagValue) or condition.attribute is Attribute.FLAG:
        flag_id = value.flag.id if isinstance(value, FlagValue) else None
        return membership_sql("contact_flag", "flag_id", flag_id, operator, params)
    column = _COLUMNS[condition.attribute]
    match value:
        case NoValue():
            return _setcheck(column, condition.attribute, operator)
        case NamePrefixes():
            return _name_words_sql(column, value, params)
        case TextValue() if condition.attribute in TEXT_ATTRIBUTES:
            return compare(f"lower({column})", operator, params.add(value.folded, "text"))
        case TextValue():
            return compare(column, operator, params.add(value.text, "text"))
        case NumberValue():
            return compare(column, operator, params.add(int(value.number), "bigint"))
        case UuidValue():
            return compare(column, operator, params.add(value.uuid, "uuid"))
        case DayValue():
            return within_day(column, operator, value.start, value.end, "timestamptz", params)
    raise ValueError(f"no SQL for {condition}")


def _name_words_sql(column: str, value: NamePrefixes, params: SqlParams) -> str:
    """One pattern per word on the search text, whose trigram index narrows by each (the
    name starts that text, so every match in the name is one there too), then the same
    patterns on the name itself."""
    patterns = [params.add(word_start_pattern(p), "text") for p in value.prefixes]
    tests = [f"{SEARCH_TEXT} ~ {p}" for p in patterns]
    tests += [f"lower({column}) ~ {p}" for p in patterns]
    return "(" + " AND ".join(tests) + ")"


def membership_sql(
    table: str, id_column: str, target_id: int | None, operator: Operator, params: SqlParams
) -> str:
    """Membership of one group or flag; with no target, of any (`= ""` means none)."""
    where = [f"m.workspace_id = {params.workspace}"]
    if target_id is not None:
        where.append(f"m.{id_column} = {params.add(target_id, 'bigint')}")
    where.append("m.contact_id = c.id")
    exists = f"EXISTS (SELECT 1 FROM {table} m WHERE {' AND '.join(where)})"
    is_member = (operator is Operator.EQ) == (target_id is not None)
    return exists if is_member else f"NOT {exists}"


def memberships_sql(
    table: str, id_column: str, target_ids: list[int], is_member: bool, params: SqlParams
) -> str:
    """Membership of any of several groups or flags (or of none, with `is_member` false): one
    lookup for all of them, where ORed single-target tests cost one lookup each."""
    ids = params.add(target_ids, "bigint[]")
    exists = (
        f"EXISTS (SELECT 1 FROM {table} m WHERE m.workspace_id = {params.workspace} "
        f"AND m.{id_column} = ANY({ids}) AND m.contact_id = c.id)"
    )
    return exists if is_member else f"NOT {exists}"


def _setcheck(column: str, attribute: Attribute, operator: Operator) -> str:
    if attribute in DATETIME_ATTRIBUTES:
        return f"{column} IS NULL" if operator is Operator.EQ else f"{column} IS NOT NULL"
    if operator is Operator.EQ:
        return f"({column} IS NULL OR {column} = '')"
    return f"{column} <> ''"
