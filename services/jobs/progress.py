"""A job's progress as its row records it, for screens that follow a job as it runs."""

from __future__ import annotations

from dataclasses import dataclass

from core.sql import sql
from services.jobs import statements


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int | None


async def read_progress(job_id: int) -> Progress:
    row = await sql().fetchrow(statements.JOB_PROGRESS, job_id)
    if row is None:
        return Progress(0, None)
    return Progress(row["progress_done"], row["progress_total"])


async def end_stopped_job(job_id: int) -> None:
    """Records as cancelled a job that was asked to stop and ended without saying how (its
    runner was interrupted before it could)."""
    await sql().execute(statements.END_STOPPED_JOB, job_id)
