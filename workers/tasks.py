"""arq entry points: thin, they take IDs and call a service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.settings import Settings
from services.audiences.snapshots import expire_snapshots
from services.dispatch import runner as job_runner
from services.exports.links import prune_expired_links
from services.exports.retention import expire_export_files
from services.fields import readings as field_readings
from services.imports.retention import cancel_unconfirmed_imports, delete_finished_uploads
from services.jobs import control as jobs


async def run_job(ctx: dict[str, Any], job_uuid: str) -> str | None:
    settings: Settings = ctx["settings"]
    async with jobs.heartbeat(job_uuid, every=settings.job_heartbeat_seconds):
        status = await job_runner.run_job(
            job_uuid,
            chunk_size=settings.job_chunk_size,
            import_lanes=settings.import_lanes,
            max_attempts=settings.job_max_attempts,
        )
    return status.value if status else None


async def sweep_jobs(ctx: dict[str, Any]) -> int:
    settings: Settings = ctx["settings"]
    handed = await jobs.sweep_unqueued_jobs(
        older_than=timedelta(seconds=settings.job_sweep_seconds),
        stale_after=timedelta(seconds=settings.job_stale_seconds),
    )
    return handed + await field_readings.restart_failed_rereads()


async def clean_up_files(ctx: dict[str, Any]) -> int:
    """Deletes stored files and frozen audiences kept past their retention (see
    core/settings.py) and links long expired; returns how many exports, imports and audience
    snapshots it ended."""
    settings: Settings = ctx["settings"]
    done = await expire_export_files(timedelta(seconds=settings.export_file_seconds))
    done += await cancel_unconfirmed_imports(timedelta(seconds=settings.import_preview_seconds))
    done += await delete_finished_uploads(timedelta(seconds=settings.import_file_seconds))
    done += await expire_snapshots(timedelta(seconds=settings.audience_snapshot_seconds))
    await prune_expired_links()
    return done
