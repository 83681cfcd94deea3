"""Raw SQL on the ORM's own connections, for set-based work and hot read paths.

Tortoise's `execute_query` drops the rows of `INSERT/UPDATE/DELETE ... RETURNING`, so hot
paths talk to the asyncpg connection underneath through this small wrapper instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.database import db, pool


class Sql:
    def __init__(self, client: BaseDBAsyncClient) -> None:
        self._client = client

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async with self._client.acquire_connection() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows

    # For statements that return one row. asyncpg's own fetchrow and fetchval ask the server
    # for at most one row, and PostgreSQL never runs a statement so limited in parallel: a
    # count over a million contacts took 180 ms that way and 140 ms with both cores.
    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        rows = await self.fetch(query, *args)
        return rows[0] if rows else None

    async def fetchval(self, query: str, *args: Any) -> Any:
        row = await self.fetchrow(query, *args)
        return row[0] if row is not None else None

    async def execute(self, query: str, *args: Any) -> str:
        async with self._client.acquire_connection() as conn:
            status: str = await conn.execute(query, *args)
            return status

    async def executemany(self, query: str, args: Sequence[Sequence[Any]]) -> None:
        async with self._client.acquire_connection() as conn:
            await conn.executemany(query, args)

    async def copy_records(
        self, table: str, records: Sequence[Sequence[Any]], columns: Sequence[str]
    ) -> None:
        async with self._client.acquire_connection() as conn:
            await conn.copy_records_to_table(table, records=records, columns=list(columns))


def sql() -> Sql:
    """Statements on the ORM's connection. Outside a `transaction()` block each runs on its own
    pooled connection; inside one, in the same task, they join that transaction (Tortoise's
    context carries it), so a helper called from a transaction never takes a second
    connection."""
    return Sql(db())


def sql_apart() -> Sql:
    """Statements that commit on a pooled connection of their own even when called inside a
    transaction block: a long transaction's progress, which others must see (and may answer
    with a request to stop) while it runs, without the row lock it would otherwise hold."""
    return Sql(pool())


@asynccontextmanager
async def transaction() -> AsyncIterator[Sql]:
    """One transaction; ORM calls inside the block join it through Tortoise's context."""
    async with in_transaction() as conn:
        yield Sql(conn)


def affected(status: str) -> int:
    """Row count from a command status such as 'UPDATE 42'."""
    try:
        return int(status.rsplit(" ", 1)[1])
    except (IndexError, ValueError):
        return 0


@asynccontextmanager
async def local_setting(tx: Sql, name: str, value: str) -> AsyncIterator[None]:
    """`name` is `value` inside the block, then back to what it was, within the transaction."""
    previous = await tx.fetchval("SELECT current_setting($1)", name)
    await tx.execute("SELECT set_config($1, $2, true)", name, value)
    yield
    # Not on an error: the transaction is then rolled back, and the setting with it.
    await tx.execute("SELECT set_config($1, $2, true)", name, previous)


def cached_plans(tx: Sql) -> AbstractAsyncContextManager[None]:
    """Lets prepared statements keep a generic plan inside the block.

    The database plans every statement for its parameters (migration 0007), and that includes
    the one-row lookup behind each foreign-key check, re-planned for every row written: in bulk
    writes planning was about two thirds of each check's cost. Statements whose plan depends
    on the query they carry (contact queries, smart groups) belong outside the block.
    """
    return local_setting(tx, "plan_cache_mode", "auto")


async def in_locked_batches(
    query: str,
    *args: Any,
    batch: int,
    handle: Callable[[Sql, list[asyncpg.Record]], Awaitable[int]],
) -> int:
    """Runs `query` batch after batch, each batch in its own transaction with `handle`, and
    returns the sum of what `handle` returns. The query takes `args`, then the last `id` of the
    previous batch and the batch size; it lists rows by `id` and locks them `SKIP LOCKED`, so
    runs may overlap."""
    total = 0
    after = 0
    while True:
        async with transaction() as tx:
            rows = await tx.fetch(query, *args, after, batch)
            if not rows:
                return total
            after = rows[-1]["id"]
            total += await handle(tx, rows)
