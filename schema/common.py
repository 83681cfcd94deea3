from __future__ import annotations

from enum import Enum
from typing import Any

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
