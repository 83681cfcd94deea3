"""A job's own state and progress on its row: claimed, checkpointed, counted, ended. No other
domain writes a job's row: it goes through here, or through control (queued, cancelled, its
heartbeat), progress and errors, so what a screen following a job sees changes in one place."""

from __future__ import annotations

import json
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

from core.sql import Sql, sql, sql_apart
from models.enums import JobKind, JobStatus
from services.jobs import statements


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: int
    workspace_id: int
    member_id: int | None  # who started it; None for one the service started
    kind: JobKind
    params: dict[str, Any]
    attempts: int  # starts so far, this one included


@dataclass(frozen=True, slots=True)
class LockedState:
    status: JobStatus
    checkpoint: int  # the last contact id done
    cancel_requested: bool


# --- Running a job in checkpointed chunks ------------------------------------------------------


async def claim(job_uuid: uuidlib.UUID) -> ClaimedJob | None:
    """Marks a queued job (or one resumed after a retry or a dead worker) running and counts the
    attempt; None once it has ended, or when there is no such job."""
    row = await sql().fetchrow(statements.CLAIM_JOB, job_uuid)
    if row is None:
        return None
    return ClaimedJob(
        row["id"],
        row["workspace_id"],
        row["created_by_id"],
        JobKind(row["kind"]),
        json.loads(row["params"]),
        row["attempts"],
    )


async def status_by_uuid(job_uuid: uuidlib.UUID) -> JobStatus | None:
    status = await sql().fetchval(statements.JOB_STATUS_BY_UUID, job_uuid)
    return JobStatus(status) if status else None


async def lock_state(tx: Sql, job_id: int) -> LockedState:
    """The job's state, its row locked until `tx` ends."""
    row = await tx.fetchrow(statements.LOCK_JOB_STATE, job_id)
    assert row is not None
    return LockedState(JobStatus(row["status"]), row["checkpoint"], row["cancel_requested"])


async def read_state(job_id: int) -> LockedState:
    """The job's state as it is now, without a lock."""
    row = await sql().fetchrow(statements.JOB_STATE, job_id)
    assert row is not None
    return LockedState(JobStatus(row["status"]), row["checkpoint"], row["cancel_requested"])


async def record_chunk(
    tx: Sql, job_id: int, *, checkpoint: int, done: int, changed: int, skipped: int
) -> None:
    """A chunk's checkpoint and counts, in the transaction that applied it; also a heartbeat."""
    await tx.execute(statements.RECORD_CHUNK, job_id, checkpoint, done, changed, skipped)


async def succeed(tx: Sql, job_id: int) -> None:
    """Ended with nothing left to do; progress shows complete."""
    await tx.execute(statements.SUCCEED_JOB, job_id)


async def cancel(tx: Sql, job_id: int) -> None:
    """Ended cancelled, as asked."""
    await tx.execute(statements.CANCEL_JOB, job_id)


async def fail(tx: Sql, job_id: int, message: str) -> None:
    """Ended failed; `message` is added to its errors for the person who ran it."""
    await tx.execute(statements.FAIL_JOB, job_id, message)


# --- Progress --------------------------------------------------------------------------------


async def set_total(tx: Sql, job_id: int, total: int) -> None:
    await tx.execute(statements.SET_JOB_TOTAL, job_id, total)


async def set_total_to_workspace(tx: Sql, job_id: int, workspace_id: int) -> None:
    """The total of a job that walks every contact of the workspace by id: their count, taken
    by the statement that sets it."""
    await tx.execute(statements.SET_WORKSPACE_JOB_TOTAL, job_id, workspace_id)


async def add_progress(tx: Sql, job_id: int, done: int) -> None:
    """`done` more, in the transaction that did them; also a heartbeat."""
    await tx.execute(statements.ADD_PROGRESS, job_id, done)


async def report_progress(job_id: int, done: int, total: int) -> bool:
    """Records progress and a heartbeat, committed at once even from inside a transaction (an
    all-or-nothing commit runs in one); returns True when someone asked the job to stop."""
    cancel_asked = await sql_apart().fetchval(statements.REPORT_PROGRESS, job_id, done, total)
    return bool(cancel_asked)


# --- Jobs that end themselves (imports, exports) ---------------------------------------------


async def status_of(job_id: int | None) -> JobStatus | None:
    """None when there is no such job (or no id: the job was deleted)."""
    status = await sql().fetchval(statements.JOB_STATUS, job_id)
    return JobStatus(status) if status is not None else None


async def last_error(job_id: int | None) -> str | None:
    """The message of the job's last error; None when it has none."""
    message: str | None = await sql().fetchval(statements.JOB_LAST_ERROR, job_id)
    return message


async def creator_of(job_id: int) -> int | None:
    """The member who started the job; None for one the service started."""
    member_id: int | None = await sql().fetchval(statements.JOB_CREATOR, job_id)
    return member_id


async def finish(
    job_id: int,
    status: JobStatus,
    *,
    changed: int = 0,
    skipped: int = 0,
    message: str | None = None,
    tx: Sql | None = None,
) -> None:
    """The final state; progress shows complete for a success."""
    await (tx or sql()).execute(
        statements.FINISH_JOB,
        job_id,
        status.value,
        changed,
        skipped,
        message,
    )


async def cancel_unfinished(tx: Sql, job_id: int) -> None:
    """Asks a queued or running job to stop: a queued one ends cancelled at once, a running one
    stops at its next progress report; an ended one stays as it ended."""
    await tx.execute(statements.CANCEL_UNFINISHED_JOB, job_id, JobStatus.CANCELLED.value)
