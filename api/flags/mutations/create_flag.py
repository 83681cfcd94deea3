from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import DuplicateNameError, ValidationError
from api.flags.types import Flag
from services.flags import definitions as flags


@strawberry.type
class FlagCreated:
    flag: Flag


CreateFlagResult = Annotated[
    FlagCreated | ValidationError | DuplicateNameError, strawberry.union("CreateFlagResult")
]


@strawberry.mutation
async def create_flag(info: Info[Context, None], name: str) -> CreateFlagResult:
    return FlagCreated(flag=Flag.from_record(await flags.create_flag(info.context.caller, name)))
