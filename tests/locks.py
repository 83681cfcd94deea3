"""A statement made to wait, for tests of what happens to a request while its SQL runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from core.settings import Settings

# Waits on the contact tables while `contact_tables_locked` holds them.
COUNT = "{ contacts(first: 0) { totalCount } }"

WAITING = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
"""


@asynccontextmanager
async def contact_tables_locked(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """Holds the contact tables in ACCESS EXCLUSIVE mode on a connection of its own, so a
    statement reading them waits (and shows in pg_stat_activity) until the block ends. Yields
    that connection, to watch pg_stat_activity with."""
    url = (settings.database_url or "").replace("postgres://", "postgresql://", 1)
    conn = await asyncpg.connect(url)
    try:
        transaction = conn.transaction()
        await transaction.start()
        await conn.execute("LOCK TABLE contact, contact_search IN ACCESS EXCLUSIVE MODE")
        try:
            yield conn
        finally:
            await transaction.rollback()
    finally:
        await conn.close()


async def waiting_statements(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval(WAITING)
    return count
