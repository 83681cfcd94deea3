"""The workspace domain's root query fields: any node, the caller, the members."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.relay import NODE_TYPES, read_node_id
from api.workspace.types import Me, Member, Workspace
from services.access import members


@strawberry.field
async def node(info: Info[Context, None], id: strawberry.ID) -> relay.Node | None:
    """Any object by its global ID, or by the UUID inside one; IDs of other workspaces resolve
    to null like missing ones."""
    type_name, uuid = read_node_id(id)
    if uuid is None:
        return None
    for name in (type_name,) if type_name is not None else NODE_TYPES:
        try:
            found: relay.Node | None = await relay.GlobalID(name, str(uuid)).resolve_node(
                info, required=False
            )
        except (ValueError, KeyError):  # a type name the schema does not have
            found = None
        if found is not None:
            return found
    return None


@strawberry.field
def me(info: Info[Context, None]) -> Me:
    caller = info.context.caller
    return Me(
        workspace=Workspace.from_model(caller.workspace), member=Member.from_model(caller.member)
    )


@strawberry.field(name="members")
async def member_list(info: Info[Context, None]) -> list[Member]:
    return [Member.from_model(m) for m in await members.list_members(info.context.caller)]


QUERIES = [node, me, member_list]
