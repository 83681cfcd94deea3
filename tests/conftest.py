from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette
from tortoise import connections

from core.database import close_database, init_database
from core.migrate import apply_migrations
from core.queue import close_queue, open_queue
from core.settings import Environment, Settings
from web.app import create_app
from workers.runner import create_worker

POOL_SIZE = 6
POOL_RESET = "SELECT pg_advisory_unlock_all()"  # asyncpg's clean-up when a connection returns
# asyncpg reads a type's description (from pg_catalog.pg_type) once per connection, the first
# time the connection meets the type: a pooled connection opened anew (after a cancelled
# statement closed the old one) sends it once, whatever the request.
TYPE_INTROSPECTION = ("pg_catalog.pg_type", "set_config('jit'")  # jit is off around it


def _server_urls() -> tuple[str, str]:
    database_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    if database_url and redis_url:
        return database_url, redis_url
    from core.embedded import resolve_service_urls

    urls = resolve_service_urls(
        Settings(database_url=database_url, redis_url=redis_url, data_dir=".data/test")
    )
    return urls.database_url, urls.redis_url


def _with_database(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{base}/{name}" + (f"?{query}" if query else "")


@pytest.fixture(scope="session")
async def settings() -> AsyncIterator[Settings]:
    server_db_url, redis_url = _server_urls()
    name = f"contacts_test_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server_db_url.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'CREATE DATABASE "{name}"')
    test_settings = Settings(
        environment=Environment.TEST,
        database_url=_with_database(server_db_url, name),
        redis_url=redis_url,
        queue_name=f"contacts:test:{name}",
    )
    await apply_migrations(test_settings.database_url or "")
    await close_database()
    # Every pooled connection exists up front so the query counter can watch all of them.
    await init_database(test_settings.database_url or "", pool_max=POOL_SIZE, pool_min=POOL_SIZE)
    await open_queue(redis_url, test_settings.queue_name)
    try:
        yield test_settings
    finally:
        await close_queue()
        await close_database()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        redis = Redis.from_url(redis_url)
        keys = [k async for k in redis.scan_iter(match=f"{test_settings.queue_name}*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


@pytest.fixture(scope="session")
def app(settings: Settings) -> Starlette:
    """One app for the session: building the schema for every test cost more than many tests."""
    return create_app(settings, manage_resources=False)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


RunWorker = Callable[..., Awaitable[None]]


@pytest.fixture
def run_worker(settings: Settings) -> RunWorker:
    """Runs every queued job to completion with a real arq worker in burst mode."""

    async def run(**overrides: Any) -> None:
        worker = create_worker(
            settings.model_copy(update=overrides), burst=True, manage_database=False
        )
        try:
            await worker.main()
        finally:
            await worker.close()

    return run


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, record: Any) -> None:
        query = record.query
        if not query.startswith(POOL_RESET) and not any(m in query for m in TYPE_INTROSPECTION):
            self.statements.append(query)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
async def count_queries(
    settings: Settings,
) -> Callable[[], contextlib.AbstractContextManager[QueryCounter]]:
    """`with count_queries() as counter:` records every SQL statement the app sends."""
    # A connection an earlier test's cancelled statement closed is opened again on its next
    # use: every pooled connection is made live here, so the counter can watch them all.
    pool = connections.get("default")._pool
    held = [await pool.acquire() for _ in range(POOL_SIZE)]
    for conn in held:
        await pool.release(conn)

    @contextlib.contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        pool = connections.get("default")._pool
        live = [holder._con for holder in pool._holders if holder._con is not None]
        assert len(live) == POOL_SIZE
        for conn in live:
            conn.add_query_logger(counter)
        try:
            yield counter
        finally:
            for conn in live:
                conn.remove_query_logger(counter)

    return counting
