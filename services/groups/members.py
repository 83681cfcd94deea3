"""Adding and removing contacts to and from manual groups."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence

from core.sql import transaction
from models import Job
from models.enums import GroupKind, JobKind
from services.access.caller import Caller
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.selection import ContactSelection
from services.errors import InvalidInput, InvalidState, NotFound
from services.groups import statements
from services.groups.definitions import GroupRecord, get_group
from services.groups.membership import join_manual_group, leave_group

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


def _check_inline(verb: str, contact_uuids: Sequence[uuidlib.UUID]) -> None:
    if len(contact_uuids) > INLINE_LIMIT:
        raise InvalidInput(
            f"{verb} at most {INLINE_LIMIT} contacts at once; use a selection job for more.",
            field="contactIds",
        )


async def add_contacts(
    caller: Caller, group_uuid: uuidlib.UUID, contact_uuids: Sequence[uuidlib.UUID]
) -> GroupRecord:
    """A few contacts at once; refuses inactive ones by name so nothing is half-added."""
    caller.require_editor()
    _check_inline("Add", contact_uuids)
    group = await _manual_group(caller, group_uuid)
    async with transaction() as tx:
        rows = await tx.fetch(
            statements.SHARE_LOCK_CONTACTS_BY_UUID, caller.workspace_id, list(contact_uuids)
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
        await join_manual_group(
            tx,
            workspace_id=caller.workspace_id,
            group_id=group.id,
            contact_ids=[r["id"] for r in rows],
        )
    refreshed = await get_group(caller, group_uuid)
    assert refreshed is not None
    return refreshed


async def remove_contacts(
    caller: Caller, group_uuid: uuidlib.UUID, contact_uuids: Sequence[uuidlib.UUID]
) -> GroupRecord:
    caller.require_editor()
    _check_inline("Remove", contact_uuids)
    group = await _manual_group(caller, group_uuid)
    async with transaction() as tx:
        rows = await tx.fetch(
            statements.CONTACT_IDS_BY_UUID, caller.workspace_id, list(contact_uuids)
        )
        await leave_group(
            tx,
            workspace_id=caller.workspace_id,
            group_id=group.id,
            contact_ids=[r["id"] for r in rows],
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
