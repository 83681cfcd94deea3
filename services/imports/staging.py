"""The staging table `import_row`: filled by COPY, checked for in-file duplicates, counted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from core.sql import Sql, sql
from services.imports.records import (
    ANY_ERROR,
    ErrorFilter,
    RowAction,
    RowErrorCode,
    RowErrors,
    RowProblem,
)
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


# $1 import id, then the filter's code and column (NULL: any).
_FILTERED = """
import_id = $1 AND action = 'error'
AND ($2::text IS NULL AND $3::text IS NULL OR errors @> jsonb_build_array(jsonb_strip_nulls(
    jsonb_build_object('code', $2::text, 'column', $3::text))))
"""


async def list_error_rows(
    import_id: int, *, after_row: int, limit: int, only: ErrorFilter = ANY_ERROR
) -> list[RowErrors]:
    """Error rows in row order, keyset-paginated on the row number."""
    rows = await sql().fetch(
        f"""
        SELECT row_number, errors::text AS errors, duplicate_of FROM import_row
        WHERE {_FILTERED} AND row_number > $4
        ORDER BY row_number LIMIT $5
        """,
        import_id,
        only.code,
        only.column,
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


async def count_error_rows(import_id: int, only: ErrorFilter) -> int:
    found: int = await sql().fetchval(
        f"SELECT count(*) FROM import_row WHERE {_FILTERED}", import_id, only.code, only.column
    )
    return found


# The import's error rows counted by code and column, most rows first, for
# `contact_import.error_tally` ($1 the import id): kept there, so reading it costs nothing
# however many rows failed, and it outlives the rows.
ERROR_TALLY = """
(SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'column', label, 'rows', n)
                           ORDER BY n DESC, code, label NULLS FIRST), '[]')
 FROM (SELECT e ->> 'code' AS code, e ->> 'column' AS label, count(DISTINCT r.row_number) AS n
       FROM import_row r CROSS JOIN LATERAL jsonb_array_elements(r.errors) AS x(e)
       WHERE r.import_id = $1 AND r.action = 'error'
       GROUP BY 1, 2) AS tally)
"""


async def count_late_errors_in_tally(tx: Sql, import_id: int) -> None:
    """Counts again once a commit turned rows into errors (after the preview's count)."""
    await tx.execute(
        f"UPDATE contact_import SET error_tally = {ERROR_TALLY} "
        "WHERE id = $1 AND late_error_count > 0",
        import_id,
    )


def _problem(entry: dict[str, Any]) -> RowProblem:
    return RowProblem(
        RowErrorCode(entry["code"]), entry["column"], entry["value"], entry["message"]
    )
