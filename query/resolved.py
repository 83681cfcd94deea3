"""The query tree once every property is known: what SQL is compiled from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from normalize.urns import Scheme
from query.ast import BoolOp, Condition, Node, Operator, Prefix, Property, combine
from query.attributes import Attribute
from query.environment import FieldInfo
from query.values import Value


@dataclass(frozen=True, slots=True)
class AttributeCondition:
    attribute: Attribute
    operator: Operator
    value: Value

    @property
    def syntax(self) -> Condition:
        return Condition(Property(self.attribute.value), self.operator, self.value.canonical)


@dataclass(frozen=True, slots=True)
class UrnCondition:
    """A condition on the contact's addresses: of one scheme, or of any (`urn`)."""

    scheme: Scheme | None
    operator: Operator
    value: Value

    @property
    def syntax(self) -> Condition:
        prop = Property(self.scheme.value, Prefix.URNS) if self.scheme else Property("urn")
        return Condition(prop, self.operator, self.value.canonical)


@dataclass(frozen=True, slots=True)
class FieldCondition:
    field: FieldInfo
    operator: Operator
    value: Value

    @property
    def syntax(self) -> Condition:
        prop = Property(self.field.key.lower(), Prefix.FIELDS)
        return Condition(prop, self.operator, self.value.canonical)


ResolvedCondition = AttributeCondition | UrnCondition | FieldCondition


@dataclass(frozen=True, slots=True)
class ResolvedCombination:
    op: BoolOp
    children: tuple[ResolvedNode, ...]


ResolvedNode = ResolvedCondition | ResolvedCombination


def resolved_conditions(node: ResolvedNode) -> Iterator[ResolvedCondition]:
    if isinstance(node, ResolvedCombination):
        for child in node.children:
            yield from resolved_conditions(child)
    else:
        yield node


def to_syntax(node: ResolvedNode) -> Node:
    """The canonical syntax tree: properties spelled out, values as they were understood."""
    if isinstance(node, ResolvedCombination):
        return combine(node.op, (to_syntax(child) for child in node.children))
    return node.syntax
