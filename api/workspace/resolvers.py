from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.errors import NotFoundError, user_error
from api.workspace.types import Me, Member, MemberPermissionsChanged, Workspace
from models.enums import Permission
from services.access import members
from services.errors import DomainError, NotFound

SetMemberPermissionsResult = Annotated[
    MemberPermissionsChanged | NotFoundError, strawberry.union("SetMemberPermissionsResult")
]


async def node(info: Info[Context, None], id: relay.GlobalID) -> relay.Node | None:
    """Any object by its global ID; IDs of other workspaces resolve to null like missing ones."""
    try:
        found = await id.resolve_node(info, required=False)
    except (ValueError, KeyError):
        return None
    return found


def me(info: Info[Context, None]) -> Me:
    caller = info.context.caller
    return Me(
        workspace=Workspace.from_model(caller.workspace), member=Member.from_model(caller.member)
    )


async def member_list(info: Info[Context, None]) -> list[Member]:
    return [Member.from_model(m) for m in await members.list_members(info.context.caller)]


async def set_member_permissions(
    info: Info[Context, None], member_id: strawberry.ID, disabled: list[Permission]
) -> SetMemberPermissionsResult:
    caller = info.context.caller
    caller.require_admin()
    try:
        try:
            key = UUID(str(member_id))
        except ValueError as exc:
            raise NotFound("No such member.", field="memberId") from exc
        member = await members.set_disabled_permissions(caller, key, disabled)
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return MemberPermissionsChanged(member=Member.from_model(member))
