"""Compiles a resolved query to one boolean SQL expression over the contact alias `c`.

Field conditions read the contact's narrow row in contact_search (alias `s`): the field
conditions ANDed together at one level share one `EXISTS` on it. A query made of field
conditions alone can also be compiled over `s` only (`compile_search_sql`), which lets a
count skip the wide contact rows entirely.
"""

from __future__ import annotations

from query.ast import BoolOp
from query.attributes import Attribute
from query.resolved import (
    AttributeCondition,
    FieldCondition,
    ResolvedCombination,
    ResolvedNode,
    UrnCondition,
    resolved_conditions,
)
from query.sql_attributes import attribute_sql
from query.sql_fields import field_sql, needs_contact
from query.sql_ordered import compare
from query.sql_params import SqlParams
from query.sql_urns import urn_sql
from query.values import TextValue


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
                parts += [_compile(child, params) for child in others]
            else:
                parts = [_compile(child, params) for child in node.children]
            return "(" + f" {node.op} ".join(parts) + ")"
        case AttributeCondition():
            return attribute_sql(node, params)
        case UrnCondition():
            return urn_sql(node, params)
        case FieldCondition():
            return _in_search(field_sql(node, params), params)


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
