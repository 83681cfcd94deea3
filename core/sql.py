"""Raw SQL on the ORM's own connections, for set-based work and hot read paths.

Tortoise's `execute_query` drops the rows of `INSERT/UPDATE/DELETE ... RETURNING`, so hot
paths talk to the asyncpg connection underneath through this small wrapper instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from contextvars import ContextVar, Token
from typing import Any, Protocol

import asyncpg
from tortoise.transactions import in_transaction

from core.database import db, pool

# Seconds each statement of the current task (and the tasks it starts) may run; None: no limit.
_statement_timeout: ContextVar[float | None] = ContextVar("statement_timeout", default=None)


class StatementTimeout(TimeoutError):
    """A statement ran past the time its caller allows (`statement_timeout`); the server was
    told to cancel it, and a transaction it was in is rolled back."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"a statement ran longer than {seconds:g} s")
        self.seconds = seconds


def limit_statements(milliseconds: int) -> Token[float | None]:
    """From now on in this task (and the tasks it starts), a statement sent through `Sql` that
    runs longer than `milliseconds` (0: no limit) is cancelled on the server and raises
    StatementTimeout. A context variable, not a setting of the pool: the API and the workers
    share one pool in tests, and each request or job carries its own limit."""
    return _statement_timeout.set(milliseconds / 1000 if milliseconds > 0 else None)


@contextmanager
def statement_timeout(milliseconds: int) -> Iterator[None]:
    """`limit_statements` inside the block."""
    token = limit_statements(milliseconds)
    try:
        yield
    finally:
        _statement_timeout.reset(token)


@asynccontextmanager
async def _timed(seconds: float | None) -> AsyncIterator[None]:
    try:
        yield
    except TimeoutError as error:
        if seconds is None or isinstance(error, StatementTimeout):
            raise
        raise StatementTimeout(seconds) from error


class _Connections(Protocol):
    def acquire_connection(self) -> AbstractAsyncContextManager[Any]: ...


class Sql:
    def __init__(self, client: _Connections) -> None:
        self._client = client

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        timeout = _statement_timeout.get()
        async with self._client.acquire_connection() as conn, _timed(timeout):
            rows: list[asyncpg.Record] = await conn.fetch(query, *args, timeout=timeout)
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
        timeout = _statement_timeout.get()
        async with self._client.acquire_connection() as conn, _timed(timeout):
            status: str = await conn.execute(query, *args, timeout=timeout)
            return status

    async def executemany(self, query: str, args: Sequence[Sequence[Any]]) -> None:
        timeout = _statement_timeout.get()
        async with self._client.acquire_connection() as conn, _timed(timeout):
            await conn.executemany(query, args, timeout=timeout)

    async def copy_records(
        self, table: str, records: Sequence[Sequence[Any]], columns: Sequence[str]
    ) -> None:
        timeout = _statement_timeout.get()
        async with self._client.acquire_connection() as conn, _timed(timeout):
            await conn.copy_records_to_table(
                table, records=records, columns=list(columns), timeout=timeout
            )


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


class _Held:
    """One connection, handed out again for every statement."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    @asynccontextmanager
    async def acquire_connection(self) -> AsyncIterator[Any]:
        yield self._conn


@asynccontextmanager
async def one_connection() -> AsyncIterator[Sql]:
    """Statements on one pooled connection held for the whole block, outside any transaction:
    for a session-level lock and the work it guards when that work refuses a transaction
    (CREATE INDEX CONCURRENTLY). The pool unlocks every advisory lock when it takes the
    connection back."""
    async with pool().acquire_connection() as conn:
        yield Sql(_Held(conn))


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
