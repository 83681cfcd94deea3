"""The one entry point: read a contact query for a workspace."""

from __future__ import annotations

from dataclasses import dataclass

from query.address_query import read_address_query
from query.ast import BoolCombination, Node
from query.attributes import NOT_FOR_SMART_GROUPS, Attribute
from query.environment import QueryEnvironment
from query.limits import MAX_DEPTH, MAX_LENGTH, check_length, too_complex
from query.parser import parse
from query.printer import print_query
from query.resolved import (
    AttributeCondition,
    FieldCondition,
    ResolvedNode,
    resolved_conditions,
    to_syntax,
)
from query.resolver import resolve
from query.sql import among_ids as among_ids  # for callers restricting a query to ids
from query.sql import compile_search_sql, compile_sql, reads_search_only
from query.sql_attributes import SEARCH_TEXT as SEARCH_TEXT  # the trigram-indexed search text
from query.values import FlagValue, GroupValue


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    tree: ResolvedNode
    workspace_id: int

    @property
    def canonical(self) -> str:
        return print_query(to_syntax(self.tree))

    @property
    def field_keys(self) -> tuple[str, ...]:
        """Keys of the fields used, in order of first use."""
        used = resolved_conditions(self.tree)
        return tuple(dict.fromkeys(c.field.key for c in used if isinstance(c, FieldCondition)))

    @property
    def group_names(self) -> tuple[str, ...]:
        names = (
            c.value.group.name
            for c in resolved_conditions(self.tree)
            if isinstance(c.value, GroupValue)
        )
        return tuple(dict.fromkeys(names))

    @property
    def flag_names(self) -> tuple[str, ...]:
        names = (
            c.value.flag.name
            for c in resolved_conditions(self.tree)
            if isinstance(c.value, FlagValue)
        )
        return tuple(dict.fromkeys(names))

    def uses_attribute(self, attribute: Attribute) -> bool:
        return any(
            isinstance(c, AttributeCondition) and c.attribute is attribute
            for c in resolved_conditions(self.tree)
        )

    @property
    def allows_smart_group(self) -> bool:
        return not any(
            isinstance(c, AttributeCondition) and c.attribute in NOT_FOR_SMART_GROUPS
            for c in resolved_conditions(self.tree)
        )

    def to_sql(self, param_start: int, *, among: str | None = None) -> tuple[str, list[object]]:
        """A boolean expression over contact alias `c`, with `$param_start`… placeholders;
        `among`: the caller's restriction of `c.id`, over `{id}` (see `compile_sql`)."""
        return compile_sql(
            self.tree, workspace_id=self.workspace_id, param_start=param_start, among=among
        )

    @property
    def reads_search_only(self) -> bool:
        """Only conditions on fields and status: `to_search_sql` answers it without the contact
        rows."""
        return reads_search_only(self.tree)

    def to_search_sql(self, param_start: int) -> tuple[str, list[object]]:
        """Over contact_search alias `s`; only for a query that `reads_search_only`."""
        return compile_search_sql(
            self.tree, workspace_id=self.workspace_id, param_start=param_start
        )


def parse_query(text: str, env: QueryEnvironment) -> ParsedQuery:
    """Raises QueryError when the query cannot be read or does not fit the workspace."""
    check_length(text)
    # Where addresses are hidden, a query that is one address is read as any text is (a name).
    address = None if env.anonymous else read_address_query(text, country=env.country)
    tree = address or parse(text)
    parsed = ParsedQuery(resolve(tree, env), env.workspace_id)
    _check_canonical(parsed)
    return parsed


def _check_canonical(parsed: ParsedQuery) -> None:
    """The canonical form is what is kept (a smart group's query) and read again, so it must
    fit the limits too: written out in full it can be longer than the text (`a b` is
    `name = "a" AND name = "b"`), and nest one level deeper (`a b OR c` is `(… AND …) OR …`)."""
    if len(parsed.canonical) > MAX_LENGTH:
        raise too_complex(
            "length",
            MAX_LENGTH,
            f"Written out in full, the query is longer than {MAX_LENGTH:,} characters.",
        )
    if _nesting(to_syntax(parsed.tree)) > MAX_DEPTH:
        raise too_complex(
            "depth",
            MAX_DEPTH,
            f"Written out in full, the query nests parentheses more than {MAX_DEPTH} deep.",
        )


def _nesting(node: Node) -> int:
    """The parentheses the printer writes around the deepest condition: one for each
    combination inside another (the tree is flat: a child never has its parent's operator)."""
    if not isinstance(node, BoolCombination):
        return 0
    return max(
        (1 + _nesting(c) for c in node.children if isinstance(c, BoolCombination)), default=0
    )
