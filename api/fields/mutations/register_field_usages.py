from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import NotFoundError, ValidationError
from api.fields.types import Consumer, ConsumerInput
from services.fields import usage_registry


@strawberry.type
class FieldUsagesRegistered:
    consumer: Consumer
    keys: list[str]


RegisterFieldUsagesResult = Annotated[
    FieldUsagesRegistered | ValidationError | NotFoundError,
    strawberry.union("RegisterFieldUsagesResult"),
]


@strawberry.mutation
async def register_field_usages(
    info: Info[Context, None], consumer: ConsumerInput, keys: list[str]
) -> RegisterFieldUsagesResult:
    registered = await usage_registry.register(
        info.context.caller, kind=consumer.kind, ref=consumer.ref, name=consumer.name, keys=keys
    )
    return FieldUsagesRegistered(consumer=consumer.as_stored(), keys=registered)
