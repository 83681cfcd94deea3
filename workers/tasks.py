"""arq entry points: thin, they take IDs and call a service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.settings import Settings
from services import field_readings, job_runner, jobs


async def run_job(ctx: dict[str, Any], job_uuid: str) -> str | None:
    settings: Settings = ctx["settings"]
    async with jobs.heartbeat(job_uuid):
        status = await job_runner.run_job(
            job_uuid, chunk_size=settings.job_chunk_size, import_lanes=settings.import_lanes
        )
    return status.value if status else None


async def sweep_jobs(ctx: dict[str, Any]) -> int:
    settings: Settings = ctx["settings"]
    handed = await jobs.sweep_unqueued_jobs(
        older_than=timedelta(seconds=settings.job_sweep_seconds),
        stale_after=timedelta(seconds=10 * jobs.HEARTBEAT_SECONDS),
    )
    return handed + await field_readings.restart_failed_rereads()
