"""Progress and outcome of import and export jobs, written to their `job` row."""

from __future__ import annotations

from core.sql import Sql, sql, sql_apart
from models.enums import JobStatus


async def report_progress(job_id: int, done: int, total: int) -> bool:
    """Records progress and a heartbeat, committed at once even from inside a transaction (an
    all-or-nothing commit runs in one); returns True when someone asked the job to stop."""
    cancel = await sql_apart().fetchval(
        """
        UPDATE job SET progress_done = $2, progress_total = $3, heartbeat_on = now()
        WHERE id = $1 RETURNING cancel_requested
        """,
        job_id,
        done,
        total,
    )
    return bool(cancel)


async def cancel_requested(job_id: int) -> bool:
    return bool(await sql().fetchval("SELECT cancel_requested FROM job WHERE id = $1", job_id))


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
        """
        UPDATE job SET status = $2::text, finished_on = now(), changed_count = $3,
            skipped_count = $4,
            progress_done = CASE WHEN $2::text = 'succeeded' THEN greatest(progress_total, 1)
                                 ELSE progress_done END,
            progress_total = CASE WHEN $2::text = 'succeeded' THEN greatest(progress_total, 1)
                                  ELSE progress_total END,
            errors = CASE WHEN $5::text IS NULL THEN errors
                          ELSE errors || jsonb_build_array(jsonb_build_object('message', $5::text))
                     END
        WHERE id = $1
        """,
        job_id,
        status.value,
        changed,
        skipped,
        message,
    )
