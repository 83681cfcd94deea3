"""Whether an exception means a dependency (PostgreSQL, Redis) cannot be reached right now.

Such a failure is not a bug of ours nor a mistake of the caller: the API answers it with 503 and
Retry-After, and logs it as a warning without a traceback."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Coroutine
from enum import StrEnum
from typing import Any, TypeVar

import asyncpg
from tortoise.exceptions import DBConnectionError

from core.sql import StatementTimeout

RETRY_AFTER_SECONDS = 5
T = TypeVar("T")
_abandoned: set[asyncio.Task[Any]] = set()


class Dependency(StrEnum):
    DATABASE = "database"
    REDIS = "redis"


_DATABASE_DOWN: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # class 08: connection exceptions
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.CannotConnectNowError,  # starting up or shutting down
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    DBConnectionError,
)
# Raised by the socket under either client: refused, reset, unknown host, no answer in time.
_NETWORK_DOWN: tuple[type[BaseException], ...] = (ConnectionError, socket.gaierror, TimeoutError)


def unreachable(exc: BaseException) -> Dependency | None:
    """The dependency `exc` (or an exception it was raised from) says is unreachable."""
    # redis is loaded with the queue (see core.queue); until then none of its errors exist.
    redis_errors = sys.modules.get("redis.exceptions")
    redis_down: tuple[type[BaseException], ...] = (
        (redis_errors.ConnectionError, redis_errors.TimeoutError) if redis_errors else ()
    )
    seen: set[int] = set()
    current: BaseException | None = exc
    network = False
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StatementTimeout):  # a statement too slow, not a server away
            return None
        if redis_down and isinstance(current, redis_down):
            return Dependency.REDIS
        if isinstance(current, _DATABASE_DOWN) or (
            isinstance(current, asyncpg.InterfaceError) and "connection" in str(current)
        ):
            return Dependency.DATABASE
        network = network or isinstance(current, _NETWORK_DOWN)
        current = current.__cause__ or current.__context__
    # A bare socket error comes from whichever client opened the socket; the database is the
    # one every request needs.
    return Dependency.DATABASE if network else None


async def within(seconds: float, work: Coroutine[Any, Any, T]) -> T:
    """The result of `work`, or TimeoutError once `seconds` have passed. The work is then
    cancelled but not waited for: a database client cancelled mid-query waits for the server to
    confirm, and a server that no longer answers would hold the caller as long as the query."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
    except asyncio.CancelledError:  # the caller gave up (a client gone): so does the work
        _abandon(task)
        raise
    if task in done:
        return task.result()
    _abandon(task)
    raise TimeoutError(f"no answer within {seconds:g} s")


def _abandon(task: asyncio.Task[Any]) -> None:
    task.cancel()
    _abandoned.add(task)  # a reference, so that the task is not collected before it ends
    task.add_done_callback(_forget)


def _forget(task: asyncio.Task[Any]) -> None:
    _abandoned.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved: an abandoned task's failure was already answered
