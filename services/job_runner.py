"""Runs a job in checkpointed chunks. Each chunk, its effects and its checkpoint commit in one
transaction under a lock on the job row, so a job run twice (a retry, a killed worker, two
workers racing) resumes where the last committed chunk ended and never applies one twice."""

from __future__ import annotations

import json
import logging
import uuid as uuidlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from core.sql import Sql, affected, sql, transaction
from models.enums import ContactStatus, JobKind, JobStatus
from services import bulk_contacts
from services.bulk_contacts import ChunkOutcome
from services.field_sorting import sync_sort_indexes

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobContext:
    id: int
    workspace_id: int
    member_id: int | None
    params: dict[str, Any]


ChunkHandler = Callable[[Sql, JobContext, list[int]], Awaitable[ChunkOutcome]]


async def _archive(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await bulk_contacts.change_status(
        tx,
        workspace_id=job.workspace_id,
        job_id=job.id,
        member_id=job.member_id,
        contact_ids=ids,
        to_status=ContactStatus.ARCHIVED,
    )


async def _restore(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await bulk_contacts.change_status(
        tx,
        workspace_id=job.workspace_id,
        job_id=job.id,
        member_id=job.member_id,
        contact_ids=ids,
        to_status=ContactStatus.ACTIVE,
        from_statuses=[ContactStatus.ARCHIVED],
    )


async def _delete(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await bulk_contacts.delete_contacts(
        tx,
        workspace_id=job.workspace_id,
        job_id=job.id,
        member_id=job.member_id,
        contact_ids=ids,
        only_archived=True,
    )


async def _delete_all(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    return await bulk_contacts.delete_contacts(
        tx,
        workspace_id=job.workspace_id,
        job_id=job.id,
        member_id=job.member_id,
        contact_ids=ids,
        only_archived=False,
    )


async def _delete_field_values(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    status = await tx.execute(
        "UPDATE contact SET fields = fields - $3::text "
        "WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND fields ? $3::text",
        job.workspace_id,
        ids,
        job.params["field_uuid"],
    )
    changed = affected(status)
    return ChunkOutcome(changed=changed, skipped=len(ids) - changed)


CONTACT_HANDLERS: dict[JobKind, ChunkHandler] = {
    JobKind.ARCHIVE_CONTACTS: _archive,
    JobKind.RESTORE_CONTACTS: _restore,
    JobKind.DELETE_CONTACTS: _delete,
    JobKind.DELETE_ALL_CONTACTS: _delete_all,
    JobKind.DELETE_FIELD_VALUES: _delete_field_values,
}


async def _sync_field_indexes(job: JobContext) -> ChunkOutcome:
    created, dropped = await sync_sort_indexes()
    return ChunkOutcome(changed=created + dropped, skipped=0)


WHOLE_HANDLERS: dict[JobKind, Callable[[JobContext], Awaitable[ChunkOutcome]]] = {
    JobKind.SYNC_FIELD_INDEXES: _sync_field_indexes,
}


async def run_job(job_uuid: str, *, chunk_size: int) -> JobStatus | None:
    """Run (or resume) a job to its end; returns its final status, None if it is unknown."""
    row = await sql().fetchrow(
        """
        UPDATE job SET status = 'running', started_on = coalesce(started_on, now()),
            attempts = attempts + 1, heartbeat_on = now()
        WHERE uuid = $1 AND status IN ('queued', 'running')
        RETURNING id, workspace_id, created_by_id, kind, params
        """,
        uuidlib.UUID(job_uuid),
    )
    if row is None:
        status = await sql().fetchval(
            "SELECT status FROM job WHERE uuid = $1", uuidlib.UUID(job_uuid)
        )
        return JobStatus(status) if status else None
    job = JobContext(
        row["id"], row["workspace_id"], row["created_by_id"], json.loads(row["params"])
    )
    kind = JobKind(row["kind"])
    try:
        if kind in WHOLE_HANDLERS:
            return await _run_whole(job, WHOLE_HANDLERS[kind])
        handler = CONTACT_HANDLERS[kind]
        while True:
            status = await _run_chunk(job, handler, chunk_size)
            if status is not None:
                return status
    except Exception as exc:
        log.exception("job %s failed", job_uuid)
        await sql().execute(
            """
            UPDATE job SET status = 'failed', finished_on = now(),
                errors = errors || jsonb_build_array(jsonb_build_object('message', $2::text))
            WHERE id = $1
            """,
            job.id,
            f"The job stopped on an unexpected error ({type(exc).__name__}); "
            "what it finished before stays done.",
        )
        return JobStatus.FAILED


async def _run_whole(
    job: JobContext, handler: Callable[[JobContext], Awaitable[ChunkOutcome]]
) -> JobStatus:
    """Jobs without contact targets: one idempotent step."""
    outcome = await handler(job)
    await sql().execute(
        """
        UPDATE job SET status = 'succeeded', finished_on = now(), progress_done = 1,
            progress_total = 1, changed_count = $2
        WHERE id = $1
        """,
        job.id,
        outcome.changed,
    )
    return JobStatus.SUCCEEDED


async def _run_chunk(job: JobContext, handler: ChunkHandler, chunk_size: int) -> JobStatus | None:
    async with transaction() as tx:
        state = await tx.fetchrow(
            "SELECT status, checkpoint, cancel_requested FROM job WHERE id = $1 FOR UPDATE",
            job.id,
        )
        assert state is not None
        if JobStatus(state["status"]).is_finished:
            return JobStatus(state["status"])
        if state["cancel_requested"]:
            await tx.execute(
                "UPDATE job SET status = 'cancelled', finished_on = now() WHERE id = $1", job.id
            )
            return JobStatus.CANCELLED
        targets = await tx.fetch(
            """
            SELECT contact_id FROM job_target WHERE job_id = $1 AND contact_id > $2
            ORDER BY contact_id LIMIT $3
            """,
            job.id,
            state["checkpoint"],
            chunk_size,
        )
        if not targets:
            await tx.execute(
                "UPDATE job SET status = 'succeeded', finished_on = now() WHERE id = $1", job.id
            )
            return JobStatus.SUCCEEDED
        ids = [r["contact_id"] for r in targets]
        outcome = await handler(tx, job, ids)
        await tx.execute(
            """
            UPDATE job SET checkpoint = $2, progress_done = progress_done + $3,
                changed_count = changed_count + $4, skipped_count = skipped_count + $5,
                heartbeat_on = now()
            WHERE id = $1
            """,
            job.id,
            ids[-1],
            len(ids),
            outcome.changed,
            outcome.skipped,
        )
    return None
