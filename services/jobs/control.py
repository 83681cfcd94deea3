"""Jobs: the database row is the truth clients poll; the queue only wakes the worker."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid as uuidlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from tortoise.expressions import Q

from core.queue import enqueue_job, release_abandoned_job
from core.sql import Sql, sql, sql_apart, transaction
from models import Job
from models.enums import JobKind, JobStatus
from services.access.caller import Caller
from services.errors import InvalidState, NotFound
from services.jobs import statements

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobCursor:
    created_on: datetime
    id: int


async def insert_job(
    tx: Sql, *, caller: Caller, kind: JobKind, params: dict[str, Any]
) -> tuple[int, uuidlib.UUID]:
    return await insert_workspace_job(
        tx, workspace_id=caller.workspace_id, member_id=caller.member.id, kind=kind, params=params
    )


async def insert_workspace_job(
    tx: Sql, *, workspace_id: int, member_id: int | None, kind: JobKind, params: dict[str, Any]
) -> tuple[int, uuidlib.UUID]:
    """A queued job; `member_id` None for one the service starts itself."""
    job_uuid = uuidlib.uuid4()
    job_id: int = await tx.fetchval(
        statements.INSERT_JOB,
        workspace_id,
        job_uuid,
        kind.value,
        json.dumps(params),
        member_id,
    )
    return job_id, job_uuid


async def get_jobs(caller: Caller, job_uuids: Sequence[uuidlib.UUID]) -> list[Job]:
    """The caller's workspace's jobs among `job_uuids`, in no particular order."""
    return await Job.filter(workspace_id=caller.workspace_id, uuid__in=list(job_uuids))


async def list_jobs(
    caller: Caller,
    *,
    statuses: Sequence[JobStatus] = (),
    kinds: Sequence[JobKind] = (),
    limit: int,
    after: JobCursor | None = None,
) -> list[Job]:
    """Newest first, keyset-paginated on (created_on, id)."""
    query = Job.filter(workspace_id=caller.workspace_id)
    if statuses:
        query = query.filter(status__in=list(statuses))
    if kinds:
        query = query.filter(kind__in=list(kinds))
    if after is not None:
        query = query.filter(
            Q(created_on__lt=after.created_on) | Q(created_on=after.created_on, id__lt=after.id)
        )
    return await query.order_by("-created_on", "-id").limit(limit)


async def cancel_job(caller: Caller, job_uuid: uuidlib.UUID) -> Job:
    """A queued job is cancelled at once; a running one stops after its current chunk."""
    caller.require_editor()
    async with transaction() as tx:
        row = await tx.fetchrow(statements.LOCK_JOB, caller.workspace_id, job_uuid)
        if row is None:
            raise NotFound("No such job.", field="id")
        status = JobStatus(row["status"])
        if status.is_finished:
            raise InvalidState(f"The job has already {status.value}.", field="id")
        if row["kind"] == JobKind.REREAD_FIELD_VALUES:
            raise InvalidState(
                "This job keeps searches on a field right after its type changed; it can't be "
                "cancelled.",
                field="id",
            )
        if status is JobStatus.QUEUED:
            await tx.execute(statements.CANCEL_QUEUED_JOB, row["id"])
        else:
            await request_stop(row["id"], tx=tx)
    return await Job.get(id=row["id"])


async def request_stop(job_id: int, *, tx: Sql | None = None) -> None:
    """Asks a job to stop at its next check, even one not started yet: it then still runs, so
    it can end what it works on (an import, say) as cancelled instead of leaving it waiting."""
    await (tx or sql()).execute(statements.REQUEST_STOP, job_id)


async def sweep_unqueued_jobs(*, older_than: timedelta, stale_after: timedelta) -> int:
    """Re-enqueue jobs the queue may have lost (Redis down at enqueue time) and hand back
    those whose worker died mid-run (no heartbeat for `stale_after`, and no chunk holding the
    row: a live worker beats every few seconds, and a chunk that runs longer holds the row
    locked until it commits its checkpoint, a heartbeat too). Both are safe to repeat: the
    queue dedupes by the job's UUID, and a job run twice resumes from its checkpoint."""
    now = datetime.now(UTC)
    rows = await sql().fetch(statements.UNQUEUED_JOBS, now - older_than, now - stale_after)
    enqueued = 0
    for row in rows:
        job_uuid = str(row["uuid"])
        if row["status"] == JobStatus.RUNNING.value:
            enqueued += await release_abandoned_job(job_uuid)
        else:
            enqueued += await enqueue_job(job_uuid)
    return enqueued


HEARTBEAT_SECONDS = 5.0


@contextlib.asynccontextmanager
async def heartbeat(job_uuid: str, *, every: float = HEARTBEAT_SECONDS) -> AsyncIterator[None]:
    """While the block runs, the job's row shows the worker alive, however long one step
    takes: a task beats every `every` seconds on a pooled connection of its own, outside the
    job's transactions; only a job whose worker died goes without it long enough for the
    sweep."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await sql_apart().execute(statements.HEARTBEAT, uuidlib.UUID(job_uuid))
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("heartbeat of job %s failed (%s)", job_uuid, exc)

    beating = asyncio.create_task(beat())
    try:
        yield
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
