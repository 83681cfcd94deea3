from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    DuplicateNameError,
    InvalidStateError,
    LimitReachedError,
    NotFoundError,
    QueryError,
    ValidationError,
)
from api.groups.types import Group, GroupInput, GroupSaved
from services.groups import definitions as groups

CreateGroupResult = Annotated[
    GroupSaved
    | ValidationError
    | QueryError
    | DuplicateNameError
    | LimitReachedError
    | NotFoundError
    | InvalidStateError,
    strawberry.union("CreateGroupResult"),
]


@strawberry.mutation
async def create_group(info: Info[Context, None], input: GroupInput) -> CreateGroupResult:
    record = await groups.create_group(
        info.context.caller, name=input.name or "", query=input.query
    )
    return GroupSaved(group=Group.from_record(record))
