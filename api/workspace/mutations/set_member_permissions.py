from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import NotFoundError
from api.workspace.types import Member
from models.enums import Permission
from services.access import members
from services.errors import NotFound


@strawberry.type
class MemberPermissionsChanged:
    member: Member


SetMemberPermissionsResult = Annotated[
    MemberPermissionsChanged | NotFoundError, strawberry.union("SetMemberPermissionsResult")
]


@strawberry.mutation
async def set_member_permissions(
    info: Info[Context, None], member_id: strawberry.ID, disabled: list[Permission]
) -> SetMemberPermissionsResult:
    try:
        key = UUID(str(member_id))
    except ValueError as exc:
        raise NotFound("No such member.", field="memberId") from exc
    member = await members.set_disabled_permissions(info.context.caller, key, disabled)
    return MemberPermissionsChanged(member=Member.from_model(member))
