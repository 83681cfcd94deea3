"""Search-index settings for writing a chunk's rows in bulk, scoped to its transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.sql import Sql, local_setting
from services.imports import statements
from services.imports.timing import timed


@asynccontextmanager
async def batched_search_entries(tx: Sql) -> AsyncIterator[None]:
    """Search index entries of the rows written inside are merged into the indexes once, at
    the end, sorted, rather than each time a pending list passes its usual 4 MB.

    The merge runs before the chunk commits, so no later writer or search inherits a long
    pending list. Without the right to merge, writes go the ordinary way."""
    indexes = await tx.fetch(statements.SEARCH_INDEXES)
    if not indexes or not all(i["mergeable"] for i in indexes):
        yield
        return
    async with local_setting(tx, "gin_pending_list_limit", "256MB"):
        yield
        with timed("merge search entries"):
            # One index after the other, in the same order in every lane.
            await tx.execute(statements.MERGE_SEARCH_ENTRIES, [i["id"] for i in indexes])
