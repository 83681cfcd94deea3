"""Which operators a property accepts, with the error for each refusal."""

from __future__ import annotations

from dataclasses import dataclass

from query.ast import Operator
from query.errors import ErrorCode, QueryError


@dataclass(frozen=True, slots=True)
class Allowed:
    contains: bool = False
    comparison: bool = False
    setcheck: bool = True


TEXT = Allowed()
CONTAINS = Allowed(contains=True)
ORDERED = Allowed(comparison=True)
ORDERED_ALWAYS_SET = Allowed(comparison=True, setcheck=False)
EQUALITY_ALWAYS_SET = Allowed(setcheck=False)


def is_setcheck(operator: Operator, value: str) -> bool:
    return value == "" and operator in (Operator.EQ, Operator.NEQ)


def check_operator(prop: str, operator: Operator, value: str, allowed: Allowed) -> None:
    if operator is Operator.CONTAINS and not allowed.contains:
        raise QueryError(
            ErrorCode.UNSUPPORTED_CONTAINS,
            f"~ (contains) works with name and addresses only; it can't be used with {prop}.",
            {"property": prop},
        )
    if operator.is_comparison and not allowed.comparison:
        raise QueryError(
            ErrorCode.UNSUPPORTED_COMPARISON,
            f"{operator} works with numbers and dates only; it can't be used with {prop}.",
            {"property": prop, "operator": operator.value},
        )
    if is_setcheck(operator, value) and not allowed.setcheck:
        raise QueryError(
            ErrorCode.UNSUPPORTED_SETCHECK,
            f'Every contact has a value for {prop}, so it can\'t be compared with "".',
            {"property": prop, "operator": operator.value},
        )


def refuse_redacted(prop: str) -> QueryError:
    return QueryError(
        ErrorCode.REDACTED_URNS,
        f"This workspace hides addresses, so {prop} can only be checked for having a value "
        '(!= "") or not (= "").',
        {"property": prop},
    )
