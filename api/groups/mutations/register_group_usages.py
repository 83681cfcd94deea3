from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import NotFoundError, ValidationError
from api.fields.types import Consumer, ConsumerInput
from api.groups.types import Group
from api.relay import require_node_uuid
from services.groups import usage_registry


@strawberry.type
class GroupUsagesRegistered:
    consumer: Consumer
    groups: list[Group]


RegisterGroupUsagesResult = Annotated[
    GroupUsagesRegistered | NotFoundError | ValidationError,
    strawberry.union("RegisterGroupUsagesResult"),
]


@strawberry.mutation
async def register_group_usages(
    info: Info[Context, None],
    consumer: ConsumerInput,
    groups_: Annotated[list[strawberry.ID], strawberry.argument(name="groups")],
) -> RegisterGroupUsagesResult:
    records = await usage_registry.register(
        info.context.caller,
        kind=consumer.kind,
        ref=consumer.ref,
        name=consumer.name,
        group_uuids=[require_node_uuid(g, "Group", field="groups") for g in groups_],
    )
    return GroupUsagesRegistered(
        consumer=consumer.as_stored(), groups=[Group.from_record(r) for r in records]
    )
