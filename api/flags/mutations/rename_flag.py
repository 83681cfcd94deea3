from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import DuplicateNameError, InvalidStateError, NotFoundError, ValidationError
from api.flags.types import Flag
from api.relay import require_node_uuid
from services.flags import definitions as flags


@strawberry.type
class FlagRenamed:
    flag: Flag


RenameFlagResult = Annotated[
    FlagRenamed | NotFoundError | ValidationError | DuplicateNameError | InvalidStateError,
    strawberry.union("RenameFlagResult"),
]


@strawberry.mutation(description="Renames a flag; refused while a smart group's query names it.")
async def rename_flag(info: Info[Context, None], id: strawberry.ID, name: str) -> RenameFlagResult:
    flag_uuid = require_node_uuid(id, "Flag")
    renamed = await flags.rename_flag(info.context.caller, flag_uuid, name)
    return FlagRenamed(flag=Flag.from_record(renamed))
