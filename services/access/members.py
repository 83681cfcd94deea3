from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence

from models import Member
from models.enums import Permission
from services.access.caller import Caller
from services.errors import NotFound


async def list_members(caller: Caller) -> list[Member]:
    caller.require_admin()
    return await Member.filter(workspace_id=caller.workspace_id).order_by("id")


async def set_disabled_permissions(
    caller: Caller, member_uuid: uuidlib.UUID, disabled: Sequence[Permission]
) -> Member:
    caller.require_admin()
    member = await Member.get_or_none(workspace_id=caller.workspace_id, uuid=member_uuid)
    if member is None:
        raise NotFound("No such member.", field="memberId")
    member.disabled_permissions = sorted({p.value for p in disabled})
    await member.save(update_fields=["disabled_permissions"])
    return member
