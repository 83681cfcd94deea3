"""The group an import adds its contacts to: an existing manual group, or a new one by name."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass

from asyncpg import Record

from core.sql import Sql, sql
from services.access.caller import Caller
from services.errors import InvalidInput, InvalidState, NotFound
from services.groups.definitions import check_group_room, clean_group_name, reserve_group_room
from services.imports import statements


@dataclass(frozen=True, slots=True)
class GroupRef:
    """Exactly one of the group's UUID and its name."""

    uuid: uuidlib.UUID | None = None
    name: str | None = None


def _refuse_smart(name: str) -> InvalidInput:
    return InvalidInput(
        f'"{name}" is a smart group: its members follow its query, so an import cannot add '
        "contacts to it.",
        field="group",
    )


async def resolve_group(caller: Caller, ref: GroupRef | None) -> tuple[int | None, str | None]:
    """The existing group's id and name, or (None, name) for a group the commit creates."""
    if ref is None:
        return None, None
    if (ref.uuid is None) == (ref.name is None):
        raise InvalidInput("Give the group's `id` or its `name`, not both.", field="group")
    if ref.uuid is not None:
        row = await sql().fetchrow(statements.GROUP_BY_UUID, caller.workspace_id, ref.uuid)
        if row is None:
            raise NotFound("No such group.", field="group.id")
    else:
        name = clean_group_name(ref.name or "", field="group.name")
        row = await sql().fetchrow(statements.GROUP_BY_NAME, caller.workspace_id, name)
        if row is None:
            await check_group_room(sql(), caller.workspace_id, field="group.name")
            return None, name
    if row["kind"] != "manual":
        raise _refuse_smart(row["name"])
    return row["id"], row["name"]


async def ensure_group(tx: Sql, *, workspace_id: int, group_id: int | None, name: str) -> int:
    """The group to fill at commit time, created now if it was new at upload."""
    if group_id is not None:
        kind = await tx.fetchval(statements.GROUP_KIND, workspace_id, group_id)
        if kind is None:
            raise InvalidState(f'The group "{name}" was deleted after the upload.', field="group")
        if kind != "manual":
            raise _refuse_smart(name)
        return group_id
    row = await _group_named(tx, workspace_id, name)
    if row is None:
        await reserve_group_room(tx, workspace_id, field="group")
        await tx.execute(statements.CREATE_MANUAL_GROUP, workspace_id, uuidlib.uuid4(), name)
        row = await _group_named(tx, workspace_id, name)
        assert row is not None
    if row["kind"] != "manual":
        raise _refuse_smart(name)
    return int(row["id"])


async def _group_named(tx: Sql, workspace_id: int, name: str) -> Record | None:
    return await tx.fetchrow(statements.GROUP_KIND_BY_NAME, workspace_id, name)
