"""Reading and writing `contact_import` rows; always scoped to a workspace for callers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from uuid import UUID

from core.sql import Sql, sql
from services.imports import statements
from services.imports.records import ImportColumn, ImportRecord, ImportStatus


async def get_import(workspace_id: int, import_uuid: UUID) -> ImportRecord | None:
    row = await sql().fetchrow(statements.IMPORT_BY_UUID, workspace_id, import_uuid)
    return ImportRecord.from_row(row) if row else None


async def get_import_by_id(import_id: int, *, tx: Sql | None = None) -> ImportRecord:
    row = await (tx or sql()).fetchrow(statements.IMPORT_BY_ID, import_id)
    assert row is not None, f"no import {import_id}"
    return ImportRecord.from_row(row)


async def lock_import(tx: Sql, workspace_id: int, import_uuid: UUID) -> ImportRecord | None:
    row = await tx.fetchrow(statements.LOCK_IMPORT, workspace_id, import_uuid)
    return ImportRecord.from_row(row) if row else None


async def lock_import_by_id(tx: Sql, import_id: int) -> ImportRecord:
    row = await tx.fetchrow(statements.LOCK_IMPORT_BY_ID, import_id)
    assert row is not None, f"no import {import_id}"
    return ImportRecord.from_row(row)


async def import_id_for_job(job_id: int) -> int | None:
    value: int | None = await sql().fetchval(statements.IMPORT_ID_FOR_JOB, job_id)
    return value


async def set_status(
    import_id: int,
    status: ImportStatus,
    *,
    only_from: Sequence[ImportStatus],
    failure: str | None = None,
    tx: Sql | None = None,
) -> bool:
    """Moves the import on only from the given states; False when it had moved elsewhere."""
    done = await (tx or sql()).fetchval(
        statements.SET_STATUS,
        import_id,
        status.value,
        [s.value for s in only_from],
        failure,
    )
    return done is not None


async def save_plan(
    import_id: int, columns: Sequence[ImportColumn], reading_types: dict[int, str]
) -> None:
    """The file's columns as matched, and the field types its rows' readings follow."""
    await sql().execute(
        statements.SAVE_PLAN,
        import_id,
        json.dumps([c.to_dict() for c in columns]),
        json.dumps({str(k): v for k, v in reading_types.items()}),
    )
