"""Runs a job in checkpointed chunks. Each chunk, its effects and its checkpoint commit in one
transaction under a lock on the job row, so a job run twice (a retry, a killed worker, two
workers racing) resumes where the last committed chunk ended and never applies one twice."""

from __future__ import annotations

import logging
import uuid as uuidlib

from core.sql import Sql, sql, transaction
from models import Workspace
from models.enums import JobKind, JobStatus
from services.dispatch import statements
from services.dispatch.handlers import HANDLERS
from services.errors import DomainError
from services.exports.jobs import run_export_job
from services.imports.commit import DEFAULT_LANES
from services.imports.jobs import IMPORT_JOB_KINDS, fail_import_job, run_import_job
from services.jobs import state as job_state
from services.jobs.context import ChunkOutcome, JobContext, JobHandler, Targets

log = logging.getLogger(__name__)


def gave_up_message(stops: int) -> str:
    return (
        f"The job stopped {stops} times without finishing (the worker running it died); "
        "it was not retried again."
    )


async def run_job(
    job_uuid: str,
    *,
    chunk_size: int,
    import_lanes: int = DEFAULT_LANES,
    max_attempts: int | None = None,
) -> JobStatus | None:
    """Run (or resume) a job to its end; returns its final status, None if it is unknown. A
    job started `max_attempts` times already (each start that did not end it was a worker
    dying under it: the runner ends every job it runs) fails instead of starting again."""
    claimed = await job_state.claim(uuidlib.UUID(job_uuid))
    if claimed is None:
        return await job_state.status_by_uuid(uuidlib.UUID(job_uuid))
    workspace = await Workspace.get(id=claimed.workspace_id)
    job = JobContext(claimed.id, workspace, claimed.member_id, claimed.params)
    kind = claimed.kind
    handler = HANDLERS.get(kind)
    if max_attempts is not None and claimed.attempts > max_attempts:
        log.error("job %s gave up after %d starts", job_uuid, claimed.attempts - 1)
        message = gave_up_message(claimed.attempts - 1)
        if kind in IMPORT_JOB_KINDS:
            await fail_import_job(job.id, message)
        else:
            await _fail(job, handler, message)
        return JobStatus.FAILED
    try:
        if kind in IMPORT_JOB_KINDS:
            return await run_import_job(job.id, kind, chunk_size=chunk_size, lanes=import_lanes)
        if kind is JobKind.EXPORT_CONTACTS:
            return await run_export_job(job.id, chunk_size=chunk_size)
        while True:
            status = await run_chunk(job, HANDLERS[kind], chunk_size)
            if status is not None:
                return status
    except DomainError as exc:
        await _fail(job, handler, exc.message)
        return JobStatus.FAILED
    except Exception as exc:
        log.exception("job %s failed", job_uuid)
        await _fail(
            job,
            handler,
            f"The job stopped on an unexpected error ({type(exc).__name__}); "
            + (
                "what it finished before stays done."
                if handler is None or handler.keeps_partial_work
                else "nothing it did was kept."
            ),
        )
        return JobStatus.FAILED


async def _fail(job: JobContext, handler: JobHandler | None, message: str) -> None:
    async with transaction() as tx:
        await job_state.fail(tx, job.id, message)
        if handler is not None:
            await handler.discard(tx, job)


async def _next_targets(
    tx: Sql, job: JobContext, handler: JobHandler, checkpoint: int, chunk_size: int
) -> list[int]:
    if handler.targets is Targets.NONE:
        return [] if checkpoint else [0]
    if handler.targets is Targets.WORKSPACE:
        rows = await tx.fetch(
            statements.NEXT_WORKSPACE_CONTACTS, job.workspace_id, checkpoint, chunk_size
        )
        return [r["id"] for r in rows]
    rows = await tx.fetch(statements.NEXT_FROZEN_TARGETS, job.id, checkpoint, chunk_size)
    return [r["contact_id"] for r in rows]


async def run_chunk(job: JobContext, handler: JobHandler, chunk_size: int) -> JobStatus | None:
    """One step of a job; returns its final status once there is nothing left to do."""
    done_apart: ChunkOutcome | None = None
    if handler.outside_transaction:
        assert handler.targets is Targets.NONE
        state = await job_state.read_state(job.id)
        if not (state.status.is_finished or state.cancel_requested or state.checkpoint):
            done_apart = await handler.chunk(sql(), job, [0])
    async with transaction() as tx:
        state = await job_state.lock_state(tx, job.id)
        if state.status.is_finished:
            return state.status
        if state.cancel_requested:
            await job_state.cancel(tx, job.id)
            await handler.discard(tx, job)
            return JobStatus.CANCELLED
        ids = await _next_targets(tx, job, handler, state.checkpoint, chunk_size)
        if not ids:
            await handler.finish(tx, job)
            await job_state.succeed(tx, job.id)
            return JobStatus.SUCCEEDED
        outcome = done_apart or await handler.chunk(tx, job, ids)
        await job_state.record_chunk(
            tx,
            job.id,
            checkpoint=ids[-1] if ids[-1] else 1,
            done=len(ids) if handler.targets is not Targets.NONE else 1,
            changed=outcome.changed,
            skipped=outcome.skipped,
        )
    return None
