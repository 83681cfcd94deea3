from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import NotFoundError, register_error_type
from api.fields.types import InUseError, in_use_error
from api.relay import global_id, require_node_uuid
from services.groups import definitions as groups


@strawberry.type
class GroupDeleted:
    deleted_id: strawberry.ID


@strawberry.type
class GroupInUseError(InUseError):
    pass


DeleteGroupResult = Annotated[
    GroupDeleted | NotFoundError | GroupInUseError, strawberry.union("DeleteGroupResult")
]


register_error_type(groups.GroupInUse, GroupInUseError, in_use_error(GroupInUseError))


@strawberry.mutation
async def delete_group(
    info: Info[Context, None], id: strawberry.ID, acknowledge_usages: bool = False
) -> DeleteGroupResult:
    group_uuid = require_node_uuid(id, "Group")
    await groups.delete_group(
        info.context.caller, group_uuid, acknowledge_usages=acknowledge_usages
    )
    return GroupDeleted(deleted_id=global_id("Group", group_uuid))
