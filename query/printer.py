"""Writes a syntax tree as canonical query text, which parses back to the same tree."""

from __future__ import annotations

import re

from query.ast import BoolOp, Condition, Node

# Stricter than normalize's is_plain_number: the canonical form quotes `-5`, `.5` and `5.`.
_BARE_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def print_query(node: Node) -> str:
    if isinstance(node, Condition):
        return print_condition(node)
    return _print_combination(node.op, node.children)


def print_condition(condition: Condition) -> str:
    return f"{condition.property} {condition.operator} {print_value(condition.value)}"


def print_value(value: str) -> str:
    if _BARE_NUMBER.fullmatch(value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _print_combination(op: BoolOp, children: tuple[Node, ...]) -> str:
    return f" {op} ".join(_print_child(op, child) for child in children)


def _print_child(parent: BoolOp, child: Node) -> str:
    if isinstance(child, Condition):
        return print_condition(child)
    if child.op is parent:
        return _print_combination(parent, child.children)
    return f"({_print_combination(child.op, child.children)})"
