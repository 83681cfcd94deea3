"""Runs a job in checkpointed chunks. Each chunk, its effects and its checkpoint commit in one
transaction under a lock on the job row, so a job run twice (a retry, a killed worker, two
workers racing) resumes where the last committed chunk ended and never applies one twice."""

from __future__ import annotations

import json
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
from services.imports.jobs import IMPORT_JOB_KINDS, run_import_job
from services.jobs.context import JobContext, JobHandler, Targets

log = logging.getLogger(__name__)


async def run_job(
    job_uuid: str, *, chunk_size: int, import_lanes: int = DEFAULT_LANES
) -> JobStatus | None:
    """Run (or resume) a job to its end; returns its final status, None if it is unknown."""
    row = await sql().fetchrow(statements.CLAIM_JOB, uuidlib.UUID(job_uuid))
    if row is None:
        status = await sql().fetchval(statements.JOB_STATUS, uuidlib.UUID(job_uuid))
        return JobStatus(status) if status else None
    workspace = await Workspace.get(id=row["workspace_id"])
    job = JobContext(row["id"], workspace, row["created_by_id"], json.loads(row["params"]))
    kind = JobKind(row["kind"])
    handler = HANDLERS.get(kind)
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
        await tx.execute(statements.FAIL_JOB, job.id, message)
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
    async with transaction() as tx:
        state = await tx.fetchrow(statements.LOCK_JOB_STATE, job.id)
        assert state is not None
        if JobStatus(state["status"]).is_finished:
            return JobStatus(state["status"])
        if state["cancel_requested"]:
            await tx.execute(statements.CANCEL_JOB, job.id)
            await handler.discard(tx, job)
            return JobStatus.CANCELLED
        ids = await _next_targets(tx, job, handler, state["checkpoint"], chunk_size)
        if not ids:
            await handler.finish(tx, job)
            await tx.execute(statements.SUCCEED_JOB, job.id)
            return JobStatus.SUCCEEDED
        outcome = await handler.chunk(tx, job, ids)
        await tx.execute(
            statements.RECORD_CHUNK,
            job.id,
            ids[-1] if ids[-1] else 1,
            len(ids) if handler.targets is not Targets.NONE else 1,
            outcome.changed,
            outcome.skipped,
        )
    return None
