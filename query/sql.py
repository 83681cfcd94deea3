"""Compiles a resolved query to one boolean SQL expression over the contact alias `c`.

Field conditions read the contact's narrow row in contact_search (alias `s`): the field
conditions ANDed together at one level share one `EXISTS` on it. A query made of field
conditions alone can also be compiled over `s` only (`compile_search_sql`), which lets a
count skip the wide contact rows entirely.
"""

from __future__ import annotations

from collections.abc import Sequence

from query.ast import BoolOp, Operator
from query.attributes import Attribute
from query.resolved import (
    AttributeCondition,
    FieldCondition,
    ResolvedCombination,
    ResolvedNode,
    UrnCondition,
    resolved_conditions,
)
from query.sql_attributes import attribute_sql, memberships_sql
from query.sql_fields import field_sql, needs_contact
from query.sql_ordered import compare
from query.sql_params import SqlParams
from query.sql_urns import urn_sql
from query.values import FlagValue, GroupValue, TextValue


def compile_sql(
    node: ResolvedNode, *, workspace_id: int, param_start: int, among: str | None = None
) -> tuple[str, list[object]]:
    """The expression and its parameters, numbered `$param_start` onwards.

    Sub-selects are scoped to `workspace_id`; the caller still scopes `c` itself. `among` is
    the caller's restriction of `c.id` (a job's chunk, an export's id range), written over
    `{id}`, such as `{id} = ANY($2::bigint[])`: lookups in contact_search repeat it, or the
    planner may read every match in the workspace to find the few in the chunk.
    """
    params = SqlParams(param_start, workspace_id, among=among)
    text = _compile(node, params)
    if not isinstance(node, ResolvedCombination):
        text = f"({text})"
    return text, params.values


def among_ids(array: str) -> str:
    """The `among` restriction for ids listed in a bigint array (SQL such as `$2::bigint[]`)."""
    return f"{{id}} = ANY({array})"


def reads_search_only(node: ResolvedNode) -> bool:
    """True when every condition is on a field or the status, and needs nothing else from
    the contact row."""
    return all(
        (isinstance(c, FieldCondition) and not needs_contact(c)) or _is_status(c)
        for c in resolved_conditions(node)
    )


def _is_status(node: ResolvedNode) -> bool:
    return (
        isinstance(node, AttributeCondition)
        and node.attribute is Attribute.STATUS
        and isinstance(node.value, TextValue)
    )


def compile_search_sql(
    node: ResolvedNode, *, workspace_id: int, param_start: int
) -> tuple[str, list[object]]:
    """For a query that `reads_search_only`: an expression over contact_search alias `s`."""
    params = SqlParams(param_start, workspace_id)
    return f"({_compile_search(node, params)})", params.values


def _compile(node: ResolvedNode, params: SqlParams) -> str:
    match node:
        case ResolvedCombination():
            fields = [c for c in node.children if isinstance(c, FieldCondition)]
            if node.op is BoolOp.AND and len(fields) > 1:
                others = [c for c in node.children if not isinstance(c, FieldCondition)]
                parts = [_in_search(" AND ".join(field_sql(f, params) for f in fields), params)]
                parts += _merged_memberships(node.op, others, params)
            else:
                parts = _merged_memberships(node.op, node.children, params)
            return "(" + f" {node.op} ".join(parts) + ")"
        case AttributeCondition():
            return attribute_sql(node, params)
        case UrnCondition():
            return urn_sql(node, params)
        case FieldCondition():
            return _in_search(field_sql(node, params), params)


# Membership conditions that one lookup can answer together, by the table they read: ORed
# `group = X` (member of any), and ANDed `group != X` (member of none); the same for flags.
_MEMBERSHIPS = {GroupValue: ("group_contact", "group_id"), FlagValue: ("contact_flag", "flag_id")}


def _merged_memberships(
    op: BoolOp, children: Sequence[ResolvedNode], params: SqlParams
) -> list[str]:
    """Each child compiled, except that the membership conditions `op` can join become one
    test per table, in place of the first of them. `group = A OR age > 3 OR group = B` is
    `member of any of (A, B) OR age > 3`."""
    mergeable = Operator.EQ if op is BoolOp.OR else Operator.NEQ
    targets: dict[type, list[int]] = {}
    for child in children:
        kind = _membership_kind(child, mergeable)
        if kind is not None:
            targets.setdefault(kind, []).append(_target_id(child))
    parts: list[str] = []
    written: set[type] = set()
    for child in children:
        kind = _membership_kind(child, mergeable)
        if kind is None or len(targets[kind]) < 2:
            parts.append(_compile(child, params))
        elif kind not in written:  # once, where the first of them was
            written.add(kind)
            table, column = _MEMBERSHIPS[kind]
            ids = list(dict.fromkeys(targets[kind]))
            parts.append(memberships_sql(table, column, ids, op is BoolOp.OR, params))
    return parts


def _membership_kind(node: ResolvedNode, operator: Operator) -> type | None:
    if (
        isinstance(node, AttributeCondition)
        and node.operator is operator
        and isinstance(node.value, GroupValue | FlagValue)
    ):
        return type(node.value)
    return None


def _target_id(node: ResolvedNode) -> int:
    assert isinstance(node, AttributeCondition)
    assert isinstance(node.value, GroupValue | FlagValue)
    return node.value.group.id if isinstance(node.value, GroupValue) else node.value.flag.id


def _compile_search(node: ResolvedNode, params: SqlParams) -> str:
    match node:
        case ResolvedCombination():
            parts = (_compile_search(child, params) for child in node.children)
            return "(" + f" {node.op} ".join(parts) + ")"
        case FieldCondition():
            return field_sql(node, params)
        case AttributeCondition() if _is_status(node):
            assert isinstance(node.value, TextValue)
            return compare("s.status", node.operator, params.add(node.value.text, "text"))
    raise ValueError(f"{node} is not read from contact_search")


def _in_search(condition: str, params: SqlParams) -> str:
    among = f" AND {params.among.format(id='s.contact_id')}" if params.among else ""
    return (
        f"EXISTS (SELECT 1 FROM contact_search s WHERE s.contact_id = c.id{among} AND {condition})"
    )
