"""Comparisons of ordered values: numbers, and local days as ranges of instants."""

from __future__ import annotations

from query.ast import Operator
from query.sql_params import SqlParams

NULL_SAFE_NOT_EQUAL = "IS DISTINCT FROM"

_SYMBOLS = {
    Operator.EQ: "=",
    Operator.GT: ">",
    Operator.GTE: ">=",
    Operator.LT: "<",
    Operator.LTE: "<=",
    Operator.NEQ: NULL_SAFE_NOT_EQUAL,
}


def compare(expr: str, operator: Operator, param: str) -> str:
    """`!=` is also true where `expr` is NULL (no value)."""
    return f"{expr} {_SYMBOLS[operator]} {param}"


def within_day(
    expr: str, operator: Operator, start: object, end: object, sql_type: str, params: SqlParams
) -> str:
    """`expr` against the day `start <= t < end`; `!=` is also true where `expr` is NULL."""
    match operator:
        case Operator.EQ:
            first, after = params.add(start, sql_type), params.add(end, sql_type)
            return f"({expr} >= {first} AND {expr} < {after})"
        case Operator.NEQ:
            first, after = params.add(start, sql_type), params.add(end, sql_type)
            return f"({expr} IS NULL OR {expr} < {first} OR {expr} >= {after})"
        case Operator.GT:
            return f"{expr} >= {params.add(end, sql_type)}"
        case Operator.GTE:
            return f"{expr} >= {params.add(start, sql_type)}"
        case Operator.LT:
            return f"{expr} < {params.add(start, sql_type)}"
        case Operator.LTE:
            return f"{expr} < {params.add(end, sql_type)}"
    raise ValueError(f"{operator} does not compare days")
