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
from api.relay import require_node_uuid
from services.groups import definitions as groups

UpdateGroupResult = Annotated[
    GroupSaved
    | ValidationError
    | QueryError
    | DuplicateNameError
    | LimitReachedError
    | NotFoundError
    | InvalidStateError,
    strawberry.union("UpdateGroupResult"),
]


@strawberry.mutation(
    description="Rename a group, or change a smart group's query (re-evaluated by a job)."
)
async def update_group(
    info: Info[Context, None], id: strawberry.ID, input: GroupInput
) -> UpdateGroupResult:
    group_uuid = require_node_uuid(id, "Group")
    record = await groups.update_group(
        info.context.caller, group_uuid, name=input.name, query=input.query
    )
    return GroupSaved(group=Group.from_record(record))
