"""Adding and removing flags on a selection of contacts, as a job."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import Sql, cached_plans, transaction
from models import Job
from models.enums import EventKind, JobKind
from services.access.caller import Caller
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.history import insert_events_sql
from services.contacts.selection import ContactSelection
from services.errors import InvalidInput
from services.flags.definitions import ensure_flags
from services.groups.smart import refresh_memberships
from services.jobs.context import ChunkOutcome, JobContext


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


# $1 workspace, $2 the chunk's contact ids, $3 the flag ids; both return the pairs changed.
_ADD_FLAGS = """
    INSERT INTO contact_flag (workspace_id, flag_id, contact_id)
    SELECT $1, f.id, c.id FROM contact c CROSS JOIN flag f
    WHERE c.workspace_id = $1 AND c.id = ANY($2::bigint[])
      AND f.workspace_id = $1 AND f.id = ANY($3::bigint[])
    ON CONFLICT DO NOTHING RETURNING contact_id, flag_id
"""
_REMOVE_FLAGS = """
    DELETE FROM contact_flag
    WHERE workspace_id = $1 AND contact_id = ANY($2::bigint[]) AND flag_id = ANY($3::bigint[])
    RETURNING contact_id, flag_id
"""


# One event per contact and flag changed: $1 workspace, $4 the job, $5 the member who
# started it, $6 the event's kind.
_FLAG_EVENTS = insert_events_sql("""
    SELECT $1, c.id, c.uuid, $6, jsonb_build_object('flag', f.name), 'job', $5, $4
    FROM changed x JOIN contact c ON c.id = x.contact_id JOIN flag f ON f.id = x.flag_id
""")


async def _change_flags(
    tx: Sql, job: JobContext, ids: list[int], change: str, event: EventKind
) -> ChunkOutcome:
    """Applies `change` with one history event per contact and flag, then smart groups."""
    async with cached_plans(tx):  # the flags' rows only; smart groups after
        rows = await tx.fetch(
            f"""
            WITH changed AS ({change}), events AS ({_FLAG_EVENTS})
            SELECT DISTINCT contact_id FROM changed
            """,
            job.workspace_id,
            ids,
            job.params["flag_ids"],
            job.id,
            job.member_id,
            event.value,
        )
    changed = [r["contact_id"] for r in rows]
    # Flags are part of the contact, as a single change shows: it counts as modified.
    await tx.execute(
        "UPDATE contact SET modified_on = now() WHERE id = ANY($1::bigint[])", sorted(changed)
    )
    await refresh_memberships(tx, workspace=job.workspace, contact_ids=changed)
    return ChunkOutcome(changed=len(changed), skipped=len(ids) - len(changed))


async def add_flags_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await _change_flags(tx, job, ids, _ADD_FLAGS, EventKind.FLAG_ADDED)


async def remove_flags_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await _change_flags(tx, job, ids, _REMOVE_FLAGS, EventKind.FLAG_REMOVED)
