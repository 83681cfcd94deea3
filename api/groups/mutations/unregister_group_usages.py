from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields.types import ConsumerInput
from services.groups import usage_registry


@strawberry.type
class GroupUsagesUnregistered:
    removed: int = strawberry.field(description="Groups the consumer no longer uses.")


# No error members: a consumer that cannot be read is a top-level INVALID error.
UnregisterGroupUsagesResult = Annotated[
    GroupUsagesUnregistered, strawberry.union("UnregisterGroupUsagesResult")
]


@strawberry.mutation
async def unregister_group_usages(
    info: Info[Context, None], consumer: ConsumerInput
) -> UnregisterGroupUsagesResult:
    removed = await usage_registry.unregister(
        info.context.caller, kind=consumer.kind, ref=consumer.ref
    )
    return GroupUsagesUnregistered(removed=removed)
