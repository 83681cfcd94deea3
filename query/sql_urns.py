"""SQL for conditions on the contact's addresses (rows of contact_urn)."""

from __future__ import annotations

from normalize.urns import CASE_FOLDED
from query.ast import Operator
from query.resolved import UrnCondition
from query.sql_params import SqlParams
from query.values import NoValue, Substring, UrnValue


def urn_sql(condition: UrnCondition, params: SqlParams) -> str:
    value = condition.value
    where = [f"u.workspace_id = {params.workspace}"]
    scheme = condition.scheme or (value.scheme if isinstance(value, UrnValue) else None)
    if scheme is not None:
        where.append(f"u.scheme = {params.add(scheme.value, 'text')}")
    match value:
        case NoValue():
            matches = condition.operator is Operator.NEQ
        case UrnValue() if scheme in CASE_FOLDED:
            where.append(f"u.path = {params.add(value.path, 'text')}")
            matches = condition.operator is Operator.EQ
        case UrnValue():
            # Exact, ignoring case; ILIKE lets the trigram index on (workspace_id, path) serve.
            where.append(f"u.path ILIKE {params.add(escape_like(value.path), 'text')}")
            matches = condition.operator is Operator.EQ
        case Substring():
            where.append(f"u.path ILIKE {params.add(f'%{escape_like(value.text)}%', 'text')}")
            matches = True
        case _:
            raise ValueError(f"no SQL for {condition}")
    where.append("u.contact_id = c.id")
    exists = f"EXISTS (SELECT 1 FROM contact_urn u WHERE {' AND '.join(where)})"
    return exists if matches else f"NOT {exists}"


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
