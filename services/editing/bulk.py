"""Set-wise chunk handlers for bulk status changes and deletion; history written set-wise."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import Sql
from models.enums import ContactStatus
from services.contacts.history import write_events_from
from services.editing import statements
from services.groups.membership import leave_all_groups
from services.jobs.context import ChunkOutcome


async def change_status(
    tx: Sql,
    *,
    workspace_id: int,
    job_id: int,
    member_id: int | None,
    contact_ids: Sequence[int],
    to_status: ContactStatus,
    from_statuses: Sequence[ContactStatus] | None = None,
) -> ChunkOutcome:
    allowed = [s.value for s in from_statuses] if from_statuses else None
    rows = await tx.fetch(
        statements.CHANGE_STATUS,
        workspace_id,
        list(contact_ids),
        to_status.value,
        allowed,
        job_id,
        member_id,
    )
    changed_ids = [r["id"] for r in rows]
    if to_status is not ContactStatus.ACTIVE:
        await leave_all_groups(tx, workspace_id=workspace_id, contact_ids=changed_ids)
    return ChunkOutcome(changed=len(changed_ids), skipped=len(contact_ids) - len(changed_ids))


async def delete_contacts(
    tx: Sql,
    *,
    workspace_id: int,
    job_id: int,
    member_id: int | None,
    contact_ids: Sequence[int],
    only_archived: bool,
) -> ChunkOutcome:
    doomed_rows = await tx.fetch(
        statements.LOCK_DOOMED, workspace_id, list(contact_ids), only_archived
    )
    doomed = [r["id"] for r in doomed_rows]
    if doomed:
        await leave_all_groups(tx, workspace_id=workspace_id, contact_ids=doomed)
        await write_events_from(
            tx, statements.DELETED_EVENTS, workspace_id, doomed, job_id, member_id
        )
        await tx.execute(statements.DELETE_CONTACTS, doomed)
    return ChunkOutcome(changed=len(doomed), skipped=len(contact_ids) - len(doomed))
