"""A field's readings in contact_search follow its type: after a type change they are read
again from the stored values, inline for a few contacts, else in a job. Until that ends the
field is marked `readings_stale` and queries read `contact.fields` (query/sql_fields.py).
A job that fails leaves the field stale: the worker's sweep starts another one later."""

from __future__ import annotations

import uuid as uuidlib
from datetime import timedelta

from core.queue import enqueue_job
from core.sql import Sql, affected, transaction
from models.enums import FieldType, JobKind
from services.access.caller import Caller
from services.fields import statements
from services.fields.values import FieldDefinition
from services.jobs import state as job_state
from services.jobs.context import ChunkOutcome, JobContext
from services.jobs.control import insert_workspace_job

INLINE_REREAD_LIMIT = 1000
# How long after a re-read job failed the sweep starts another for its field.
RETRY_FAILED_REREAD_AFTER = timedelta(minutes=30)


async def holders(tx: Sql, workspace_id: int, field_id: int, *, limit: int) -> int:
    """Contacts holding a value for the field, counted up to `limit` + 1."""
    found: int = await tx.fetchval(
        statements.COUNT_HOLDERS_UP_TO, workspace_id, str(field_id), limit + 1
    )
    return found


async def count_readable(
    tx: Sql, workspace_id: int, field: FieldDefinition, as_type: FieldType
) -> tuple[int, int]:
    """(values held, values that read as `as_type`)."""
    row = await tx.fetchrow(
        statements.COUNT_READABLE,
        workspace_id,
        str(field.id),
        field.uuid,
        as_type.value,
    )
    assert row is not None
    return row["held"], row["readable"]


async def reread_values(tx: Sql, caller: Caller, field: FieldDefinition) -> uuidlib.UUID | None:
    """After `field`'s type changed in `tx`: its readings now, or a job's UUID to enqueue once
    `tx` commits."""
    if await holders(tx, caller.workspace_id, field.id, limit=INLINE_REREAD_LIMIT) <= (
        INLINE_REREAD_LIMIT
    ):
        await tx.execute(statements.REREAD_READINGS, caller.workspace_id, str(field.id))
        # Also ends the staleness an earlier change's job may still be working through.
        await tx.execute(statements.MARK_READINGS_FRESH, field.id)
        return None
    await tx.execute(statements.MARK_READINGS_STALE, field.id)
    return await _insert_reread_job(
        tx, caller.workspace_id, caller.member.id, field.id, field.value_type.value
    )


async def _insert_reread_job(
    tx: Sql, workspace_id: int, member_id: int | None, field_id: int, value_type: str
) -> uuidlib.UUID:
    job_id, job_uuid = await insert_workspace_job(
        tx,
        workspace_id=workspace_id,
        member_id=member_id,
        kind=JobKind.REREAD_FIELD_VALUES,
        params={"field_id": field_id, "value_type": value_type},
    )
    await job_state.set_total_to_workspace(tx, job_id, workspace_id)
    return job_uuid


async def restart_failed_rereads() -> int:
    """Starts and queues a re-read for each field a failed job left stale (an unexpected
    error), at most once every RETRY_FAILED_REREAD_AFTER, so its queries come back to the
    readings. Returns how many it started."""
    async with transaction() as tx:
        rows = await tx.fetch(
            statements.LOCK_FIELDS_LEFT_STALE,
            JobKind.REREAD_FIELD_VALUES.value,
            RETRY_FAILED_REREAD_AFTER,
        )
        started = [
            await _insert_reread_job(tx, r["workspace_id"], None, r["id"], r["value_type"])
            for r in rows
        ]
    for job_uuid in started:
        await enqueue_job(str(job_uuid))
    return len(started)


async def reread_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    # Waits for a type change in progress, so the update below reads the committed type.
    await tx.execute(statements.SHARE_LOCK_FIELD, job.params["field_id"])
    status = await tx.execute(
        statements.REREAD_CHUNK_READINGS,
        job.workspace_id,
        str(job.params["field_id"]),
        ids,
    )
    changed = affected(status)
    return ChunkOutcome(changed=changed, skipped=len(ids) - changed)


async def finish_reread(tx: Sql, job: JobContext) -> None:
    """Fresh again unless the type changed once more meanwhile: that change's job finishes
    it (even when the type came back to this job's, contacts read in between hold another)."""
    await tx.execute(
        statements.FINISH_REREAD,
        job.params["field_id"],
        job.id,
        JobKind.REREAD_FIELD_VALUES.value,
    )
