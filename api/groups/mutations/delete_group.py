from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError, register_error_type
from api.fields.types import Consumer
from api.relay import require_node_uuid
from services.groups import definitions as groups


@strawberry.type
class GroupDeleted:
    deleted_id: strawberry.ID


@strawberry.type
class GroupInUseError(InvalidStateError):
    usages: list[Consumer]


DeleteGroupResult = Annotated[
    GroupDeleted | NotFoundError | GroupInUseError, strawberry.union("DeleteGroupResult")
]


def _in_use(exc: groups.GroupInUse) -> GroupInUseError:
    return GroupInUseError(
        message=exc.message,
        code=exc.code,
        field=exc.field,
        usages=[Consumer.from_usage(u) for u in exc.usages],
    )


register_error_type(groups.GroupInUse, GroupInUseError, _in_use)


@strawberry.mutation
async def delete_group(
    info: Info[Context, None], id: relay.GlobalID, acknowledge_usages: bool = False
) -> DeleteGroupResult:
    group_uuid = require_node_uuid(id, "Group")
    await groups.delete_group(
        info.context.caller, group_uuid, acknowledge_usages=acknowledge_usages
    )
    return GroupDeleted(deleted_id=strawberry.ID(str(id)))
