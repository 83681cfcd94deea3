"""The staging table `import_row`: filled by COPY, checked for in-file duplicates, counted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from core.sql import Sql, sql
from services.imports.records import RowAction, RowErrorCode, RowErrors, RowProblem
from services.imports.staged_records import STAGING_COLUMNS


async def copy_records(records: Sequence[tuple[Any, ...]]) -> None:
    if records:
        await sql().copy_records("import_row", records, STAGING_COLUMNS)


async def clear_rows(tx: Sql, import_id: int) -> None:
    await tx.execute("DELETE FROM import_row WHERE import_id = $1", import_id)


async def mark_duplicates(import_id: int) -> int:
    """Rows repeating an earlier valid row (same address, or the same matched contact) become
    errors naming the row they repeat; the earliest row wins. Returns how many."""
    status = await sql().fetchval(
        """
        WITH keys AS (
            SELECT r.row_number, 'urn' AS kind, u.urn AS key
            FROM import_row r CROSS JOIN LATERAL unnest(r.urns) AS u(urn)
            WHERE r.import_id = $1 AND r.action <> 'error'
            UNION ALL
            SELECT r.row_number, 'contact', r.contact_id::text
            FROM import_row r
            WHERE r.import_id = $1 AND r.action IN ('update', 'skip')
        ), firsts AS (
            SELECT kind, key, min(row_number) AS first_row
            FROM keys GROUP BY kind, key HAVING count(*) > 1
        ), repeats AS (
            SELECT DISTINCT ON (k.row_number) k.row_number, f.first_row, k.kind, k.key
            FROM keys k JOIN firsts f ON f.kind = k.kind AND f.key = k.key
            WHERE k.row_number > f.first_row
            ORDER BY k.row_number, f.first_row, k.kind DESC, k.key
        ), marked AS (
            UPDATE import_row r SET action = 'error', duplicate_of = d.first_row,
                errors = jsonb_build_array(jsonb_build_object(
                    'code', 'duplicate_row', 'column', NULL,
                    'value', CASE WHEN d.kind = 'urn' THEN d.key END,
                    'message', CASE WHEN d.kind = 'urn'
                        THEN format('repeats row %s (same address %s)', d.first_row, d.key)
                        ELSE format('repeats row %s (both rows match the same contact)',
                                    d.first_row)
                    END))
            FROM repeats d
            WHERE r.import_id = $1 AND r.row_number = d.row_number
            RETURNING 1
        )
        SELECT count(*) FROM marked
        """,
        import_id,
    )
    return int(status)


async def count_actions(import_id: int) -> dict[RowAction, int]:
    rows = await sql().fetch(
        "SELECT action, count(*) AS n FROM import_row WHERE import_id = $1 GROUP BY action",
        import_id,
    )
    counts = {action: 0 for action in RowAction}
    counts.update({RowAction(r["action"]): r["n"] for r in rows})
    return counts


async def list_error_rows(import_id: int, *, after_row: int, limit: int) -> list[RowErrors]:
    """Error rows in row order, keyset-paginated on the row number."""
    rows = await sql().fetch(
        """
        SELECT row_number, errors::text AS errors, duplicate_of FROM import_row
        WHERE import_id = $1 AND action = 'error' AND row_number > $2
        ORDER BY row_number LIMIT $3
        """,
        import_id,
        after_row,
        limit,
    )
    return [
        RowErrors(
            r["row_number"],
            [_problem(e) for e in json.loads(r["errors"])],
            r["duplicate_of"],
        )
        for r in rows
    ]


def _problem(entry: dict[str, Any]) -> RowProblem:
    return RowProblem(
        RowErrorCode(entry["code"]), entry["column"], entry["value"], entry["message"]
    )
