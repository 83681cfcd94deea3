"""Progress and outcome of import and export jobs, written to their `job` row."""

from __future__ import annotations

from core.sql import Sql, sql, sql_apart
from models.enums import JobStatus
from services.imports import statements


async def report_progress(job_id: int, done: int, total: int) -> bool:
    """Records progress and a heartbeat, committed at once even from inside a transaction (an
    all-or-nothing commit runs in one); returns True when someone asked the job to stop."""
    cancel = await sql_apart().fetchval(statements.REPORT_PROGRESS, job_id, done, total)
    return bool(cancel)


async def cancel_requested(job_id: int) -> bool:
    return bool(await sql().fetchval(statements.CANCEL_REQUESTED, job_id))


async def finish_job(
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
