"""Reading and writing `contact_import` rows; always scoped to a workspace for callers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from uuid import UUID

from core.sql import Sql, sql
from services.imports.records import (
    IMPORT_COLUMNS,
    ImportColumn,
    ImportRecord,
    ImportStatus,
)


async def get_import(workspace_id: int, import_uuid: UUID) -> ImportRecord | None:
    row = await sql().fetchrow(
        f"SELECT {IMPORT_COLUMNS} FROM contact_import WHERE workspace_id = $1 AND uuid = $2",
        workspace_id,
        import_uuid,
    )
    return ImportRecord.from_row(row) if row else None


async def get_import_by_id(import_id: int, *, tx: Sql | None = None) -> ImportRecord:
    row = await (tx or sql()).fetchrow(
        f"SELECT {IMPORT_COLUMNS} FROM contact_import WHERE id = $1", import_id
    )
    assert row is not None, f"no import {import_id}"
    return ImportRecord.from_row(row)


async def lock_import(tx: Sql, workspace_id: int, import_uuid: UUID) -> ImportRecord | None:
    row = await tx.fetchrow(
        f"SELECT {IMPORT_COLUMNS} FROM contact_import WHERE workspace_id = $1 AND uuid = $2 "
        "FOR UPDATE",
        workspace_id,
        import_uuid,
    )
    return ImportRecord.from_row(row) if row else None


async def lock_import_by_id(tx: Sql, import_id: int) -> ImportRecord:
    row = await tx.fetchrow(
        f"SELECT {IMPORT_COLUMNS} FROM contact_import WHERE id = $1 FOR UPDATE", import_id
    )
    assert row is not None, f"no import {import_id}"
    return ImportRecord.from_row(row)


async def import_id_for_job(job_id: int) -> int | None:
    value: int | None = await sql().fetchval(
        "SELECT i.id FROM job j JOIN contact_import i ON i.uuid = (j.params ->> 'import')::uuid "
        "WHERE j.id = $1 AND i.workspace_id = j.workspace_id",
        job_id,
    )
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
        """
        UPDATE contact_import SET status = $2::text, failure = coalesce($4, failure),
            finished_on = CASE WHEN $2::text IN ('committed', 'cancelled', 'failed') THEN now()
                               ELSE finished_on END
        WHERE id = $1 AND status = ANY($3::text[]) RETURNING 1
        """,
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
        "UPDATE contact_import SET columns = $2::jsonb, reading_types = $3::jsonb WHERE id = $1",
        import_id,
        json.dumps([c.to_dict() for c in columns]),
        json.dumps({str(k): v for k, v in reading_types.items()}),
    )
