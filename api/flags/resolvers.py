from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.errors import (
    DuplicateNameError,
    InvalidStateError,
    NotFoundError,
    ValidationError,
    user_error,
)
from api.flags.types import Flag
from services.errors import DomainError, NotFound
from services.flags import definitions as flags


@strawberry.type
class FlagCreated:
    flag: Flag


@strawberry.type
class FlagDeleted:
    deleted_id: strawberry.ID


CreateFlagResult = Annotated[
    FlagCreated | ValidationError | DuplicateNameError, strawberry.union("CreateFlagResult")
]
DeleteFlagResult = Annotated[
    FlagDeleted | NotFoundError | InvalidStateError, strawberry.union("DeleteFlagResult")
]


async def flag_list(info: Info[Context, None]) -> list[Flag]:
    return [Flag.from_record(f) for f in await flags.list_flags(info.context.caller)]


async def create_flag(info: Info[Context, None], name: str) -> CreateFlagResult:
    caller = info.context.caller
    try:
        return FlagCreated(flag=Flag.from_record(await flags.create_flag(caller, name)))
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]


async def delete_flag(info: Info[Context, None], id: relay.GlobalID) -> DeleteFlagResult:
    caller = info.context.caller
    caller.require_editor()
    try:
        try:
            if id.type_name != Flag.__name__:
                raise ValueError(id.type_name)
            key = UUID(id.node_id)
        except ValueError as exc:
            raise NotFound("No such flag.", field="id") from exc
        await flags.delete_flag(caller, key)
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return FlagDeleted(deleted_id=strawberry.ID(str(id)))
