"""How long uploaded files are kept (the clean-up the worker runs, see workers/runner.py).

- A committed or failed import keeps its upload for `import_file_seconds` after it ends: the
  error file (the rows not imported) is read from it. A commit without error rows deletes it
  at once (services/imports/commit.py).
- A cancelled import's upload goes at once.
- An import left unconfirmed for `import_preview_seconds` is cancelled: its checked rows and
  its upload go.

The error rows kept from the file go with it. The import keeps its counts and
`file_expired_on`, so a later error-file download says the file expired.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from asyncpg import Record

from core.sql import Sql, in_locked_batches
from services.imports import statements, store
from services.imports.lifecycle import drop_unconfirmed
from services.imports.storage import delete_files

BATCH = 500
ABANDONED_BATCH = 50


def describe_span(span: timedelta) -> str:
    for unit, seconds in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count = int(span.total_seconds()) // seconds
        if count >= 1:
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{int(span.total_seconds())} seconds"


async def _mark_deleted(tx: Sql, files: dict[int, str]) -> int:
    """Deletes the uploads and, with them, the error rows kept from them (the values of the
    rows not imported, as personal as the file)."""
    failed = await asyncio.to_thread(delete_files, files.values())
    done = [i for i, path in files.items() if path not in failed]
    await tx.execute(statements.DELETE_ROWS_OF_IMPORTS, done)
    await tx.execute(statements.MARK_FILES_EXPIRED, done)
    return len(done)


async def delete_finished_uploads(kept_for: timedelta, *, batch: int = BATCH) -> int:
    """Deletes the uploads of cancelled imports, and of committed or failed ones that ended
    more than `kept_for` ago; returns how many. Runs may overlap: each skips rows another
    holds."""

    async def delete(tx: Sql, rows: list[Record]) -> int:
        return await _mark_deleted(tx, {r["id"]: r["file_path"] for r in rows})

    return await in_locked_batches(
        statements.FINISHED_UPLOADS, kept_for, batch=batch, handle=delete
    )


async def cancel_unconfirmed_imports(waited: timedelta, *, batch: int = ABANDONED_BATCH) -> int:
    """Cancels imports still unconfirmed `waited` after their upload (or their preview, when
    it came later) and deletes their files; returns how many."""
    reason = f"Not confirmed within {describe_span(waited)}; its file was deleted."

    async def cancel(tx: Sql, rows: list[Record]) -> int:
        files: dict[int, str] = {}
        for row in rows:
            record = await store.get_import_by_id(row["id"], tx=tx)
            await drop_unconfirmed(tx, record, reason=reason)
            files[record.id] = record.file_path
        await _mark_deleted(tx, files)
        return len(rows)

    return await in_locked_batches(
        statements.UNCONFIRMED_IMPORTS, waited, batch=batch, handle=cancel
    )
