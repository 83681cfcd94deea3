from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError
from api.relay import global_id, require_node_uuid
from services.flags import definitions as flags


@strawberry.type
class FlagDeleted:
    deleted_id: strawberry.ID


DeleteFlagResult = Annotated[
    FlagDeleted | NotFoundError | InvalidStateError, strawberry.union("DeleteFlagResult")
]


@strawberry.mutation
async def delete_flag(info: Info[Context, None], id: strawberry.ID) -> DeleteFlagResult:
    flag_uuid = require_node_uuid(id, "Flag")
    await flags.delete_flag(info.context.caller, flag_uuid)
    return FlagDeleted(deleted_id=global_id("Flag", flag_uuid))
