"""Keyset pagination over a nullable sort key, with empty values always last.

A list is read as segments: rows with a value ordered by (key, id), then rows without one
ordered by id. Each segment is one index-friendly query, so a page deep in the list costs
the same as the first page.

A cursor names a place in one ordering (sort key and direction) and carries that ordering's
tag: given to another ordering it would point at an unrelated place, so it is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from core.sqlbuilder import Params
from services.errors import InvalidInput

DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class SortKey:
    expr: str
    value_type: str  # "text", "timestamptz", "numeric"
    nullable: bool


@dataclass(frozen=True, slots=True)
class Position:
    value: Any
    id: int


@dataclass(frozen=True, slots=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool
    has_previous: bool

    def entries(self) -> Iterator[tuple[T, str]]:
        """Each item with its cursor."""
        return zip(self.items, self.cursors, strict=True)


def ordering_tag(key: SortKey, descending: bool) -> str:
    """A short name for one ordering of a list: its sort key and direction."""
    raw = f"{key.expr}|{key.value_type}|{'desc' if descending else 'asc'}"
    return hashlib.blake2b(raw.encode(), digest_size=6).hexdigest()


def encode_cursor(value: Any, row_id: int, ordering: str | None = None) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    payload = [value, row_id] if ordering is None else [value, row_id, ordering]
    raw = json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


class WrongOrdering(Exception):
    """A well-formed cursor made by another ordering of the list."""


def decode_cursor(
    cursor: str, key: SortKey, *, ordering: str | None = None, field: str = "after"
) -> Position:
    """A cursor made by `encode_cursor` with the same `ordering` (None for lists with one)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(payload, list) or len(payload) != (2 if ordering is None else 3):
            raise ValueError(payload)
        value, row_id = payload[:2]
        if ordering is not None and payload[2] != ordering:
            raise WrongOrdering
        if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id < 2**63:
            raise ValueError(row_id)
        if value is not None:
            if key.value_type == "timestamptz":
                value = datetime.fromisoformat(value)
            elif key.value_type == "numeric":
                value = Decimal(value)
            elif not isinstance(value, str) or "\x00" in value:  # no text can hold a NUL
                raise ValueError(value)
    except WrongOrdering:
        raise InvalidInput(
            "The cursor belongs to another order of this list: start again from the first page.",
            field=field,
        ) from None
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise InvalidInput("The cursor is not valid for this list.", field=field) from exc
    return Position(value, row_id)


Fetch = Callable[[str, str, list[Any], int], Awaitable[Sequence[Any]]]


async def paginate(
    *,
    key: SortKey,
    descending: bool,
    request: PageRequest,
    where: str,
    params: Params,
    fetch: Fetch,
    max_size: int,
) -> Page[Any]:
    """`fetch(where, order_by, params, limit)` runs one segment query and returns rows that
    carry `sort_value` and `id` columns."""
    backward = request.last is not None and request.first is None
    size = request.last if backward else request.first
    size = min(DEFAULT_PAGE_SIZE, max_size) if size is None else size
    if size < 0 or size > max_size:
        raise InvalidInput(f"Page size must be between 0 and {max_size}.", field="first")
    ordering = ordering_tag(key, descending)
    cursor_text = request.before if backward else request.after
    cursor = (
        decode_cursor(cursor_text, key, ordering=ordering, field="before" if backward else "after")
        if cursor_text
        else None
    )
    asc = descending == backward  # traversal direction over (key, id)
    segments = [False, True] if key.nullable else [False]  # False: rows with a value
    if backward:
        segments.reverse()

    rows: list[Any] = []
    started = cursor is None
    for is_null_segment in segments:
        if not started:
            if (cursor is not None and cursor.value is None) != is_null_segment:
                continue
            started = True
            anchored = cursor
        else:
            anchored = None
        seg_params = Params()
        seg_params.extend(list(params.values))
        clauses = [where]
        cmp = ">" if asc else "<"
        direction = "ASC" if asc else "DESC"
        if is_null_segment:
            clauses.append(f"{key.expr} IS NULL")
            if anchored is not None:
                clauses.append(f"c.id {cmp} {seg_params.add(anchored.id)}")
            order_by = f"c.id {direction}"
        else:
            if key.nullable:
                clauses.append(f"{key.expr} IS NOT NULL")
            if anchored is not None:
                value = seg_params.add(anchored.value)
                row_id = seg_params.add(anchored.id)
                clauses.append(f"({key.expr}, c.id) {cmp} ({value}::{key.value_type}, {row_id})")
            order_by = f"{key.expr} {direction}, c.id {direction}"
        remaining = size + 1 - len(rows)
        if remaining <= 0:
            break
        rows.extend(await fetch(" AND ".join(clauses), order_by, seg_params.values, remaining))

    has_more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    cursors = [encode_cursor(r["sort_value"], r["id"], ordering) for r in rows]
    return Page(
        items=rows,
        cursors=cursors,
        has_next=has_more if not backward else request.before is not None,
        has_previous=has_more if backward else request.after is not None,
    )


MAX_LIST_PAGE = 100
LIST_PAGE_SIZE = f"Up to {MAX_LIST_PAGE}; a larger number reads {MAX_LIST_PAGE}."
NEWEST_FIRST = SortKey("created_on", "timestamptz", nullable=False)


async def newest_first(
    table: str,
    columns: str,
    read: Callable[[Any], T],
    *,
    workspace_id: int,
    first: int,
    after: str | None,
    filters: Sequence[tuple[str, Any]] = (),
) -> Page[T]:
    """A workspace's rows of `table`, newest first, keyset-paginated on (created_on, id), each
    made an item by `read`; `first` is cut to 0..MAX_LIST_PAGE. A filter is a condition whose
    `{}` stands for its value."""
    from core.sql import sql

    size = max(0, min(first, MAX_LIST_PAGE))
    position = decode_cursor(after, NEWEST_FIRST) if after else None
    params = Params()
    where = [f"workspace_id = {params.add(workspace_id)}"]
    where += [condition.format(params.add(value)) for condition, value in filters]
    if position is not None:
        value, row_id = params.add(position.value), params.add(position.id)
        where.append(f"(created_on, id) < ({value}::timestamptz, {row_id}::bigint)")
    rows = await sql().fetch(
        f"SELECT {columns} FROM {table} WHERE {' AND '.join(where)} "
        f"ORDER BY created_on DESC, id DESC LIMIT {params.add(size + 1)}",
        *params.values,
    )
    shown = rows[:size]
    return Page(
        items=[read(r) for r in shown],
        cursors=[encode_cursor(r["created_on"], r["id"]) for r in shown],
        has_next=len(rows) > size,
        has_previous=after is not None,
    )
