"""The groups domain's root query fields."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import Context
from api.groups.types import Group
from api.relay import node_uuid
from models.enums import GroupKind
from services.groups import definitions as groups


@strawberry.field(name="groups")
async def group_list(info: Info[Context, None], kind: GroupKind | None = None) -> list[Group]:
    return [Group.from_record(g) for g in await groups.list_groups(info.context.caller, kind=kind)]


@strawberry.field
async def group(info: Info[Context, None], id: strawberry.ID) -> Group | None:
    group_uuid = node_uuid(id, "Group")
    if group_uuid is None:
        return None
    record = await groups.get_group(info.context.caller, group_uuid)
    return Group.from_record(record) if record else None


QUERIES = [group_list, group]
