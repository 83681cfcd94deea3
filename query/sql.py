"""Compiles a resolved query to one boolean SQL expression over the contact alias `c`."""

from __future__ import annotations

from query.resolved import (
    AttributeCondition,
    FieldCondition,
    ResolvedCombination,
    ResolvedNode,
    UrnCondition,
)
from query.sql_attributes import attribute_sql
from query.sql_fields import field_sql
from query.sql_params import SqlParams
from query.sql_urns import urn_sql


def compile_sql(
    node: ResolvedNode, *, workspace_id: int, param_start: int
) -> tuple[str, list[object]]:
    """The expression and its parameters, numbered `$param_start` onwards.

    Sub-selects are scoped to `workspace_id`; the caller still scopes `c` itself.
    """
    params = SqlParams(param_start, workspace_id)
    text = _compile(node, params)
    if not isinstance(node, ResolvedCombination):
        text = f"({text})"
    return text, params.values


def _compile(node: ResolvedNode, params: SqlParams) -> str:
    match node:
        case ResolvedCombination():
            joined = f" {node.op} ".join(_compile(child, params) for child in node.children)
            return f"({joined})"
        case AttributeCondition():
            return attribute_sql(node, params)
        case UrnCondition():
            return urn_sql(node, params)
        case FieldCondition():
            return field_sql(node, params)
