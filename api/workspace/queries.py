"""The workspace domain's root query fields: any node, the caller, the members."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.workspace.types import Me, Member, Workspace
from services.access import members


@strawberry.field
async def node(info: Info[Context, None], id: relay.GlobalID) -> relay.Node | None:
    """Any object by its global ID; IDs of other workspaces resolve to null like missing ones."""
    try:
        found = await id.resolve_node(info, required=False)
    except (ValueError, KeyError):
        return None
    return found


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
