"""The group an import adds its contacts to: an existing manual group, or a new one by name."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass

from core.sql import Sql, sql
from services.caller import Caller
from services.errors import InvalidInput, InvalidState, NotFound

MAX_GROUP_NAME = 64


@dataclass(frozen=True, slots=True)
class GroupRef:
    """Exactly one of the group's UUID and its name."""

    uuid: uuidlib.UUID | None = None
    name: str | None = None


def clean_group_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("A group needs a name.", field="group.name")
    if len(cleaned) > MAX_GROUP_NAME:
        raise InvalidInput(
            f"A group name takes at most {MAX_GROUP_NAME} characters.", field="group.name"
        )
    return cleaned


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
        row = await sql().fetchrow(
            "SELECT id, name, kind FROM contact_group WHERE workspace_id = $1 AND uuid = $2",
            caller.workspace_id,
            ref.uuid,
        )
        if row is None:
            raise NotFound("No such group.", field="group.id")
    else:
        name = clean_group_name(ref.name or "")
        row = await sql().fetchrow(
            "SELECT id, name, kind FROM contact_group WHERE workspace_id = $1 "
            "AND lower(name) = lower($2)",
            caller.workspace_id,
            name,
        )
        if row is None:
            return None, name
    if row["kind"] != "manual":
        raise _refuse_smart(row["name"])
    return row["id"], row["name"]


async def ensure_group(tx: Sql, *, workspace_id: int, group_id: int | None, name: str) -> int:
    """The group to fill at commit time, created now if it was new at upload."""
    if group_id is not None:
        kind = await tx.fetchval(
            "SELECT kind FROM contact_group WHERE workspace_id = $1 AND id = $2",
            workspace_id,
            group_id,
        )
        if kind is None:
            raise InvalidState(f'The group "{name}" was deleted after the upload.', field="group")
        if kind != "manual":
            raise _refuse_smart(name)
        return group_id
    await tx.execute(
        """
        INSERT INTO contact_group (workspace_id, uuid, name, kind) VALUES ($1, $2, $3, 'manual')
        ON CONFLICT (workspace_id, lower(name)) DO NOTHING
        """,
        workspace_id,
        uuidlib.uuid4(),
        name,
    )
    row = await tx.fetchrow(
        "SELECT id, kind FROM contact_group WHERE workspace_id = $1 AND lower(name) = lower($2)",
        workspace_id,
        name,
    )
    assert row is not None
    if row["kind"] != "manual":
        raise _refuse_smart(name)
    return int(row["id"])
