"""Adding and removing flags on a selection of contacts, as a job."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import Sql, cached_plans, transaction
from models import Job
from models.enums import EventKind, JobKind
from services.access.caller import Caller
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.selection import ContactSelection
from services.errors import InvalidInput
from services.flags import statements
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


async def _change_flags(
    tx: Sql, job: JobContext, ids: list[int], change: str, event: EventKind
) -> ChunkOutcome:
    """Applies `change` with one history event per contact and flag, then smart groups."""
    async with cached_plans(tx):  # the flags' rows only; smart groups after
        rows = await tx.fetch(
            statements.change_flags(change),
            job.workspace_id,
            ids,
            job.params["flag_ids"],
            job.id,
            job.member_id,
            event.value,
        )
    changed = [r["contact_id"] for r in rows]
    await tx.execute(statements.TOUCH_CONTACTS, sorted(changed))
    await refresh_memberships(tx, workspace=job.workspace, contact_ids=changed)
    return ChunkOutcome(changed=len(changed), skipped=len(ids) - len(changed))


async def add_flags_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await _change_flags(tx, job, ids, statements.ADD_FLAGS, EventKind.FLAG_ADDED)


async def remove_flags_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await _change_flags(tx, job, ids, statements.REMOVE_FLAGS, EventKind.FLAG_REMOVED)
