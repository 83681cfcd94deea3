"""The syntax tree of a contact query, as written (before properties are looked up)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Operator(StrEnum):
    EQ = "="
    NEQ = "!="
    CONTAINS = "~"
    GT = ">"
    GTE = ">="
    LT = "<"
    LTE = "<="

    @property
    def is_comparison(self) -> bool:
        return self in (Operator.GT, Operator.GTE, Operator.LT, Operator.LTE)


class Prefix(StrEnum):
    FIELDS = "fields"
    URNS = "urns"


class BoolOp(StrEnum):
    AND = "AND"
    OR = "OR"


@dataclass(frozen=True, slots=True)
class Property:
    """A lowercase property name, optionally forced to a kind by a prefix."""

    name: str
    prefix: Prefix | None = None

    def __str__(self) -> str:
        return f"{self.prefix}.{self.name}" if self.prefix else self.name


@dataclass(frozen=True, slots=True)
class Condition:
    property: Property
    operator: Operator
    value: str
    # Read from a bare value that looks like an address (`0788`, `tel:+250…`), not written
    # as a condition: where addresses are hidden it searches names instead. Not part of what
    # the condition means, so not compared.
    implicit: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class BoolCombination:
    op: BoolOp
    children: tuple[Node, ...]


Node = Condition | BoolCombination


def combine(op: BoolOp, children: Iterable[Node]) -> Node:
    """Join nodes with `op`, absorbing children that already use `op` (the result is the same)."""
    flat = tuple(_flatten(op, children))
    if len(flat) == 1:
        return flat[0]
    return BoolCombination(op, flat)


def _flatten(op: BoolOp, children: Iterable[Node]) -> Iterator[Node]:
    for child in children:
        if isinstance(child, BoolCombination) and child.op is op:
            yield from _flatten(op, child.children)
        else:
            yield child
