from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields.types import Consumer, ConsumerInput
from services.fields import usage_registry


@strawberry.type
class FieldUsagesUnregistered:
    consumer: Consumer
    removed: int


# No error members: a consumer that cannot be read is a top-level INVALID error.
UnregisterFieldUsagesResult = Annotated[
    FieldUsagesUnregistered, strawberry.union("UnregisterFieldUsagesResult")
]


@strawberry.mutation
async def unregister_field_usages(
    info: Info[Context, None], consumer: ConsumerInput
) -> UnregisterFieldUsagesResult:
    removed = await usage_registry.unregister(
        info.context.caller, kind=consumer.kind, ref=consumer.ref
    )
    return FieldUsagesUnregistered(consumer=consumer.as_stored(), removed=removed)
