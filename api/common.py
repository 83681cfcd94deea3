from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry

from models import enums
from services.keyset import Page

ContactStatus = strawberry.enum(enums.ContactStatus, name="ContactStatus")
ContactSource = strawberry.enum(enums.ContactSource, name="ContactSource")
Role = strawberry.enum(enums.Role, name="Role")
Permission = strawberry.enum(enums.Permission, name="Permission")
DateFormat = strawberry.enum(enums.DateFormat, name="DateFormat")
JobKind = strawberry.enum(enums.JobKind, name="JobKind")
JobStatus = strawberry.enum(enums.JobStatus, name="JobStatus")
EventKind = strawberry.enum(enums.EventKind, name="ContactEventKind")
ActorKind = strawberry.enum(enums.ActorKind, name="ActorKind")


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, cursors: list[str], *, has_next: bool, has_previous: bool) -> PageInfo:
        return cls(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )

    @classmethod
    def of_page(cls, page: Page[Any]) -> PageInfo:
        return cls.of(page.cursors, has_next=page.has_next, has_previous=page.has_previous)


NodeT = TypeVar("NodeT")
RecordT = TypeVar("RecordT")


@strawberry.type
class Edge(Generic[NodeT]):
    """Named after its node: `Edge[Job]` is `JobEdge` in the schema."""

    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    """A page of a list; `Connection[Job]` is `JobConnection` in the schema."""

    edges: list[Edge[NodeT]]
    page_info: PageInfo

    @classmethod
    def of(
        cls, entries: Iterable[tuple[NodeT, str]], *, has_next: bool, has_previous: bool
    ) -> Connection[NodeT]:
        """From (node, cursor) pairs in page order."""
        edges = [Edge(cursor=cursor, node=node) for node, cursor in entries]
        cursors = [e.cursor for e in edges]
        return cls(
            edges=edges,
            page_info=PageInfo.of(cursors, has_next=has_next, has_previous=has_previous),
        )

    @classmethod
    def from_page(cls, page: Page[RecordT], node: Callable[[RecordT], NodeT]) -> Connection[NodeT]:
        return cls.of(
            ((node(record), cursor) for record, cursor in page.entries()),
            has_next=page.has_next,
            has_previous=page.has_previous,
        )
