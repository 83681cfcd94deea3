"""How long export files are kept: once `export_file_seconds` have passed since a file was
written it is deleted and the export has expired; a download then says so."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asyncpg import Record

from core.settings import get_settings
from core.sql import Sql, in_locked_batches
from services.errors import NotFound
from services.exports import statements
from services.exports.records import ExportRecord
from services.imports.storage import FileExpired, absolute_path, delete_files

BATCH = 500


def export_file_lifetime() -> timedelta:
    return timedelta(seconds=get_settings().export_file_seconds)


def expires_on(record: ExportRecord) -> datetime | None:
    """When the file is (or was) due to be deleted; None until it is written."""
    if record.expired_on is not None:
        return record.expired_on
    if record.finished_on is None:
        return None
    return record.finished_on + export_file_lifetime()


def has_expired(record: ExportRecord) -> bool:
    due = expires_on(record)
    return due is not None and due <= datetime.now(UTC)


def export_file(record: ExportRecord) -> Path:
    """The written file. Raises FileExpired once it is due for deletion (even if the clean-up
    has not reached it yet), NotFound while it is being written."""
    if has_expired(record):
        raise FileExpired("This export has expired and its file was deleted; start a new export.")
    path = absolute_path(record.file_path)
    if record.finished_on is None or not path.exists():
        raise NotFound("The export file is not there (yet, or any more).")
    return path


async def expire_export_files(kept_for: timedelta, *, batch: int = BATCH) -> int:
    """Deletes the files of exports written more than `kept_for` ago, and any partial file
    of an export whose job ended without writing one, marking each export expired; returns
    how many. Rows another run holds are skipped, so runs may overlap."""
    return await in_locked_batches(
        statements.EXPIRED_EXPORT_FILES, kept_for, batch=batch, handle=_expire
    )


async def _expire(tx: Sql, rows: list[Record]) -> int:
    files = {r["id"]: (r["file_path"], r["file_path"] + ".part") for r in rows}
    failed = await asyncio.to_thread(delete_files, [p for f in files.values() for p in f])
    done = [i for i, paths in files.items() if failed.isdisjoint(paths)]
    await tx.execute(statements.MARK_EXPORTS_EXPIRED, done)
    return len(done)
