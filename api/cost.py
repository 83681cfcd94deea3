"""The cost of a GraphQL document, estimated before it runs; a costlier one than
`max_query_cost` is refused with COST_LIMIT and nothing runs.

Every field selected costs 1 for each item of the lists around it: the edges of a connection
with a page size (`first`, `last`; capped at `max_page_size`, `DEFAULT_PAGE` when absent)
multiply what is selected in them by that size, another list by `LIST_ITEMS`. A count (`totalCount`,
`count`) costs `COUNT_WEIGHT` for the count itself and as much again for each condition of the
contact query around it (the `query` text and the groups, flags and search beside it in the
field's arguments or an enclosing field's). Each alias is a field of its own. The figure is an
estimate to compare with a limit, not a measure of time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution import ExecutionResult
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from query.ast import BoolCombination, Condition, Node
from query.errors import QueryError
from query.parser import parse

DEFAULT_PAGE = 50  # services.keyset's page size when none is asked
LIST_ITEMS = 10  # the items assumed in a list that has no page size (addresses, fields)
COUNT_WEIGHT = 50  # a count, and again for each condition of the query it counts
COUNT_FIELDS = frozenset({"totalCount", "count"})
PAGE_ARGUMENTS = ("first", "last")
# Arguments that add one condition per item to the contact query a count carries.
CONDITION_LISTS = frozenset(
    {"groups", "includeGroups", "excludeGroups", "flagsAny", "flagsAll", "status", "statuses"}
)


class CostLimit(SchemaExtension):
    def __init__(self, *, max_cost: int, max_page_size: int) -> None:
        self.max_cost = max_cost
        self.max_page_size = max_page_size

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.result is None:
            cost = document_cost(
                context.schema._schema,
                context.graphql_document,
                operation_name=context.operation_name,
                variables=context.variables or {},
                max_page_size=self.max_page_size,
            )
            if cost > self.max_cost:
                context.result = ExecutionResult(data=None, errors=[self._refusal(cost)])
        yield

    def _refusal(self, cost: int) -> GraphQLError:
        return GraphQLError(
            f"This request would cost about {cost:,}, above the limit of {self.max_cost:,} "
            "(MAX_QUERY_COST): ask for smaller pages (first), fewer aliases or fewer counts of "
            "long queries, or split it into several requests.",
            extensions={"code": "COST_LIMIT", "cost": cost, "limit": self.max_cost},
        )


def document_cost(
    schema: GraphQLSchema,
    document: Any,
    *,
    operation_name: str | None,
    variables: Mapping[str, Any],
    max_page_size: int,
) -> int:
    """The estimated cost of the operation `operation_name` runs; 0 when the operation or its
    variables cannot be read (execution then reports why)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    coerced = get_variable_values(schema, operation.variable_definitions or (), dict(variables))
    if not isinstance(coerced, VariableValues):
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, coerced, max_page_size)
    return walk.selections(operation.selection_set, root, _Scope(items=1, conditions=0))


@dataclass(frozen=True, slots=True)
class _Scope:
    """Where a selection is: how many times it runs (`items`), the conditions of the contact
    query around it, and the page size of the connection it is directly in, which its list
    of edges has in place of `LIST_ITEMS`."""

    items: int
    conditions: int
    page: int | None = None


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: VariableValues
    max_page_size: int

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, scope: _Scope
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, scope)
            elif isinstance(selection, InlineFragmentNode):
                on = selection.type_condition
                named = self.schema.get_type(on.name.value) if on else parent
                total += self.selections(selection.selection_set, named or parent, scope)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    named = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.selections(fragment.selection_set, named or parent, scope)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, scope: _Scope) -> int:
        definition: GraphQLField | None = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None:  # __typename and other meta fields
            return scope.items
        try:
            arguments = get_argument_values(definition, node, self.variables)
        except GraphQLError:
            arguments = {}
        conditions = scope.conditions + _conditions(arguments)
        cost = scope.items
        if node.name.value in COUNT_FIELDS:
            cost += scope.items * COUNT_WEIGHT * (1 + conditions)
        if node.selection_set is None:
            return cost
        inner = _Scope(scope.items, conditions)
        if any(name in definition.args for name in PAGE_ARGUMENTS):
            inner = _Scope(scope.items, conditions, page=self._page(arguments))
        elif _is_list(definition):
            size = scope.page if scope.page is not None else LIST_ITEMS
            inner = _Scope(scope.items * size, conditions)
        named = get_named_type(definition.type)
        return cost + self.selections(node.selection_set, named, inner)

    def _page(self, arguments: dict[str, Any]) -> int:
        asked = [int(arguments[n]) for n in PAGE_ARGUMENTS if arguments.get(n) is not None]
        size = max(asked) if asked else DEFAULT_PAGE
        return max(1, min(size, self.max_page_size))


def _is_list(definition: GraphQLField) -> bool:
    kind = definition.type.of_type if is_non_null_type(definition.type) else definition.type
    return is_list_type(kind)


def _conditions(value: Any) -> int:
    """The conditions an argument adds to a contact query: those of a `query` text, one for a
    search term and one per group, flag or status listed."""
    found = 0
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "query" and isinstance(item, str):
                found += query_conditions(item)
            elif key == "search" and isinstance(item, str) and item.strip():
                found += 1
            elif key in CONDITION_LISTS and isinstance(item, list | tuple):
                found += len(item)
            else:
                found += _conditions(item)
    return found


@lru_cache(maxsize=256)
def query_conditions(text: str) -> int:
    """The conditions of a contact query as written (1 when it cannot be read: running it then
    says why)."""
    try:
        return sum(1 for _ in _leaves(parse(text))) if text.strip() else 0
    except QueryError:
        return 1


def _leaves(node: Node) -> Iterator[Condition]:
    if isinstance(node, BoolCombination):
        for child in node.children:
            yield from _leaves(child)
    else:
        yield node
