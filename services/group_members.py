"""Adding and removing contacts to and from manual groups, and flags on many contacts."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence

from core.sql import transaction
from models import Job
from models.enums import GroupKind, JobKind
from services.caller import Caller
from services.errors import InvalidInput, InvalidState, NotFound
from services.flags import ensure_flags
from services.groups import GroupRecord, get_group
from services.jobs import start_contact_job
from services.selection import ContactSelection

INLINE_LIMIT = 100


async def _manual_group(caller: Caller, group_uuid: uuidlib.UUID) -> GroupRecord:
    group = await get_group(caller, group_uuid)
    if group is None:
        raise NotFound("No such group.", field="groupId")
    if group.kind is not GroupKind.MANUAL:
        raise InvalidState(
            f"{group.name} is a smart group: its members follow its query.", field="groupId"
        )
    return group


async def add_contacts(
    caller: Caller, group_uuid: uuidlib.UUID, contact_uuids: Sequence[uuidlib.UUID]
) -> GroupRecord:
    """A few contacts at once; refuses inactive ones by name so nothing is half-added."""
    caller.require_editor()
    if len(contact_uuids) > INLINE_LIMIT:
        raise InvalidInput(
            f"Add at most {INLINE_LIMIT} contacts at once; use a selection job for more.",
            field="contactIds",
        )
    group = await _manual_group(caller, group_uuid)
    async with transaction() as tx:
        rows = await tx.fetch(
            "SELECT id, uuid, name, status FROM contact WHERE workspace_id = $1 "
            "AND uuid = ANY($2::uuid[]) FOR SHARE",
            caller.workspace_id,
            list(contact_uuids),
        )
        if len(rows) < len(set(contact_uuids)):
            raise NotFound("No such contact.", field="contactIds")
        inactive = [r for r in rows if r["status"] != "active"]
        if inactive:
            first = inactive[0]
            raise InvalidState(
                f"{first['name'] or first['uuid']} is {first['status']}; only active contacts "
                "can be added to a group.",
                field="contactIds",
            )
        await tx.execute(
            """
            WITH added AS (
                INSERT INTO group_contact (workspace_id, group_id, contact_id)
                SELECT $1, $2, id FROM unnest($3::bigint[]) AS id
                ON CONFLICT DO NOTHING RETURNING 1
            )
            UPDATE contact_group SET member_count = member_count + (SELECT count(*) FROM added)
            WHERE id = $2
            """,
            caller.workspace_id,
            group.id,
            [r["id"] for r in rows],
        )
    refreshed = await get_group(caller, group_uuid)
    assert refreshed is not None
    return refreshed


async def remove_contacts(
    caller: Caller, group_uuid: uuidlib.UUID, contact_uuids: Sequence[uuidlib.UUID]
) -> GroupRecord:
    caller.require_editor()
    if len(contact_uuids) > INLINE_LIMIT:
        raise InvalidInput(
            f"Remove at most {INLINE_LIMIT} contacts at once; use a selection job for more.",
            field="contactIds",
        )
    group = await _manual_group(caller, group_uuid)
    async with transaction() as tx:
        await tx.execute(
            """
            WITH removed AS (
                DELETE FROM group_contact gc USING contact c
                WHERE gc.group_id = $2 AND c.id = gc.contact_id AND c.workspace_id = $1
                  AND c.uuid = ANY($3::uuid[])
                RETURNING 1
            )
            UPDATE contact_group SET member_count = member_count - (SELECT count(*) FROM removed)
            WHERE id = $2
            """,
            caller.workspace_id,
            group.id,
            list(contact_uuids),
        )
    refreshed = await get_group(caller, group_uuid)
    assert refreshed is not None
    return refreshed


async def start_group_job(
    caller: Caller, group_uuid: uuidlib.UUID, selection: ContactSelection, *, add: bool
) -> Job:
    caller.require_editor()
    group = await _manual_group(caller, group_uuid)
    kind = JobKind.ADD_TO_GROUP if add else JobKind.REMOVE_FROM_GROUP
    return await start_contact_job(caller, kind, selection, params={"group_id": group.id})


async def start_flag_job(
    caller: Caller, flags: Sequence[str], selection: ContactSelection, *, add: bool
) -> Job:
    caller.require_editor()
    if not flags:
        raise InvalidInput("Name at least one flag.", field="flags")
    async with transaction() as tx:
        records = await ensure_flags(tx, workspace_id=caller.workspace_id, names=flags)
    kind = JobKind.ADD_FLAGS if add else JobKind.REMOVE_FLAGS
    return await start_contact_job(
        caller, kind, selection, params={"flag_ids": [f.id for f in records]}
    )
