"""Matching staged rows to existing contacts, set-wise in the database once every row is in.

A row with a UUID updates that contact (an unknown UUID is an error); otherwise a row whose
addresses belong to one existing contact updates it; addresses of two different contacts are
an error naming both, and so is an address of another contact on a row with a UUID. Rows that
match nothing stay creates, with the contact id and uuid their defaults reserved.
"""

from __future__ import annotations

import asyncio

from core.sql import sql, transaction
from services.imports import statements
from services.imports.records import RowAction

# The database does the matching: one part per core.
MATCHING_PARTS = 2


async def _match_part(
    import_id: int,
    workspace_id: int,
    matched: str,
    uuid_label: str | None,
    bounds: tuple[int, int],
    anonymous: bool,
) -> None:
    async with transaction() as tx:
        await tx.execute(statements.MATCH_BY_UUID, import_id, workspace_id, matched, *bounds)
        await tx.execute(statements.MARK_UNKNOWN_UUIDS, import_id, uuid_label, *bounds)
        await tx.execute(
            statements.MATCH_BY_ADDRESS, import_id, workspace_id, matched, *bounds, anonymous
        )


def split_rows(first: int, last: int, parts: int) -> list[tuple[int, int]]:
    """Bounds (after, up to and including) of about equal runs of rows first..last."""
    size = -(-(last - first + 1) // parts)
    return [(start - 1, min(start + size - 1, last)) for start in range(first, last + 1, size)]


async def match_rows(
    import_id: int, workspace_id: int, *, update_existing: bool, uuid_label: str | None
) -> None:
    """Each row is matched on its own, so the rows are matched in parts side by side, one
    connection each; every part commits on its own (a failed validation starts over)."""
    matched = (RowAction.UPDATE if update_existing else RowAction.SKIP).value
    span = await sql().fetchrow(statements.ROW_SPAN_AND_ANONYMITY, import_id, workspace_id)
    if span is None or span["first"] is None:
        return
    async with asyncio.TaskGroup() as parts:
        for bounds in split_rows(span["first"], span["last"], MATCHING_PARTS):
            parts.create_task(
                _match_part(import_id, workspace_id, matched, uuid_label, bounds, span["anonymous"])
            )
