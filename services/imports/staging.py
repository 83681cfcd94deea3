"""The staging table `import_row`: filled by COPY, checked for in-file duplicates, counted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from core.sql import Sql, sql
from services.imports import statements
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
    await tx.execute(statements.CLEAR_ROWS, import_id)


async def mark_duplicates(import_id: int) -> int:
    """Rows repeating an earlier valid row (same address, or the same matched contact) become
    errors naming the row they repeat; the earliest row wins. Returns how many."""
    status = await sql().fetchval(statements.MARK_DUPLICATES, import_id)
    return int(status)


async def count_actions(import_id: int) -> dict[RowAction, int]:
    rows = await sql().fetch(statements.COUNT_ACTIONS, import_id)
    counts = {action: 0 for action in RowAction}
    counts.update({RowAction(r["action"]): r["n"] for r in rows})
    return counts


async def list_error_rows(
    import_id: int, *, after_row: int, limit: int, only: ErrorFilter = ANY_ERROR
) -> list[RowErrors]:
    """Error rows in row order, keyset-paginated on the row number."""
    rows = await sql().fetch(
        statements.ERROR_ROWS_PAGE,
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
        statements.COUNT_ERROR_ROWS, import_id, only.code, only.column
    )
    return found


async def count_late_errors_in_tally(tx: Sql, import_id: int) -> None:
    """Counts again once a commit turned rows into errors (after the preview's count)."""
    await tx.execute(statements.COUNT_LATE_ERRORS_IN_TALLY, import_id)


def _problem(entry: dict[str, Any]) -> RowProblem:
    return RowProblem(
        RowErrorCode(entry["code"]), entry["column"], entry["value"], entry["message"]
    )
