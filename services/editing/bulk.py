"""Set-wise chunk handlers for bulk status changes and deletion; history written set-wise."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import Sql
from models.enums import ContactStatus
from services.contacts.history import insert_events_sql, write_events_from
from services.groups.membership import leave_all_groups
from services.jobs.context import ChunkOutcome

# $1 workspace, $2 the chunk's contact ids, $3 the new status, $4 the statuses it may change
# from (all when null), $5 the job, $6 the member who started it.
_STATUS_EVENTS = insert_events_sql("""
        SELECT $1, id, uuid, 'status_changed',
               jsonb_build_object('from', old_status, 'to', $3::text), 'job', $6, $5
        FROM changed
""")
_CHANGE_STATUS = f"""
    WITH prev AS (
        SELECT id, status FROM contact
        WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND status <> $3
          AND ($4::text[] IS NULL OR status = ANY($4::text[]))
        FOR UPDATE
    ), changed AS (
        UPDATE contact c SET status = $3, modified_on = now()
        FROM prev WHERE c.id = prev.id
        RETURNING c.id, c.uuid, prev.status AS old_status
    ), events AS ({_STATUS_EVENTS})
    SELECT id FROM changed
"""

# $1 workspace, $2 the contacts about to be deleted, $3 the job, $4 the member who started it.
_DELETED_EVENTS = """
    SELECT $1, c.id, c.uuid, 'deleted',
           jsonb_build_object(
               'name', c.name,
               'urns', coalesce((SELECT jsonb_agg(u.scheme || ':' || u.path
                                                  ORDER BY u.priority DESC)
                                 FROM contact_urn u WHERE u.contact_id = c.id), '[]'),
               'flags', coalesce((SELECT jsonb_agg(f.name ORDER BY lower(f.name))
                                  FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
                                  WHERE cf.contact_id = c.id), '[]')),
           'job', $4, $3
    FROM contact c WHERE c.id = ANY($2::bigint[])
"""


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
        _CHANGE_STATUS,
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
        """
        SELECT id FROM contact
        WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND (NOT $3 OR status = 'archived')
        FOR UPDATE
        """,
        workspace_id,
        list(contact_ids),
        only_archived,
    )
    doomed = [r["id"] for r in doomed_rows]
    if doomed:
        await leave_all_groups(tx, workspace_id=workspace_id, contact_ids=doomed)
        await write_events_from(tx, _DELETED_EVENTS, workspace_id, doomed, job_id, member_id)
        await tx.execute("DELETE FROM contact WHERE id = ANY($1::bigint[])", doomed)
    return ChunkOutcome(changed=len(doomed), skipped=len(contact_ids) - len(doomed))
