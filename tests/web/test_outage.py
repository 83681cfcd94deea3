"""While the database or Redis cannot be reached the API answers 503 SERVICE_UNAVAILABLE with
Retry-After, logs one warning per request, and serves again once it is back, without a restart.

The outage is real: the served process (`contacts serve`, uvicorn) reaches PostgreSQL through a
TCP proxy run by the test, which cuts every connection and refuses new ones, then listens again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import httpx
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core.settings import Environment, Settings
from services.access import members
from tests.factories import Session, create_session
from tests.network import free_port, until_healthy
from tests.proxy import database_proxy
from web.app import create_app

ME = {"query": "{ me { member { name } } }"}
TIMEOUT = 2.0  # DEPENDENCY_TIMEOUT_SECONDS of the served process


@dataclass
class Served:
    http: httpx.AsyncClient
    log: str = ""  # the process's standard error, once it has stopped


@contextlib.asynccontextmanager
async def served(settings: Settings, database_url: str) -> AsyncIterator[Served]:
    """`contacts serve` in its own process, behind a client; its log once it has stopped."""
    port = free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.redis_url or "",
        "QUEUE_NAME": settings.queue_name,
        "DEPENDENCY_TIMEOUT_SECONDS": str(TIMEOUT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.main",
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as http:
            await until_healthy(http)
            server = Served(http)
            yield server
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
    server.log = (await process.stderr.read()).decode()


async def _me(http: httpx.AsyncClient, session: Session) -> httpx.Response:
    return await http.post("/graphql", json=ME, headers=session.headers)


def _unavailable(response: httpx.Response, dependency: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
    assert error["message"] == (
        f"The service cannot reach its {dependency} right now; retry in a few seconds."
    )


@pytest.mark.timeout(90)
async def test_a_database_outage_is_answered_503_and_the_service_resumes_when_it_is_back(
    settings: Settings,
) -> None:
    session = await create_session()
    async with (
        database_proxy(settings.database_url or "") as (proxy, proxied),
        served(settings, proxied) as server,
    ):
        http = server.http
        before = await _me(http, session)
        assert before.json() == {"data": {"me": {"member": {"name": "Ann"}}}}

        await proxy.cut()
        during = [await _me(http, session) for _ in range(3)]
        started = time.monotonic()
        health = await http.get("/healthz")
        health_seconds = time.monotonic() - started

        await proxy.restore()
        after = await _me(http, session)
        health_after = await http.get("/healthz")

    for response in during:
        _unavailable(response, "database")
    assert health.status_code == 503
    assert health.json() == {"status": "degraded", "database": False, "redis": True}
    assert health_seconds < TIMEOUT + 1
    assert after.json() == {"data": {"me": {"member": {"name": "Ann"}}}}
    assert health_after.json() == {"status": "ok", "database": True, "redis": True}
    # One warning per refused request, naming the database, without a traceback (asyncpg's
    # pool logs one of its own when it fails to reopen its minimum of connections).
    assert server.log.count("answered 503 to POST /graphql: database unreachable") == 3
    floor = "Failed to restore the pool connection floor"
    assert server.log.count("Traceback") == server.log.count(floor), server.log


@pytest.mark.timeout(90)
async def test_a_database_that_stops_answering_is_answered_503_within_the_timeout(
    settings: Settings,
) -> None:
    """A network partition: connections stay open, nothing comes back."""
    session = await create_session()
    async with (
        database_proxy(settings.database_url or "") as (proxy, proxied),
        served(settings, proxied) as server,
    ):
        http = server.http
        assert (await _me(http, session)).status_code == 200

        proxy.flowing.clear()
        started = time.monotonic()
        during = await _me(http, session)
        request_seconds = time.monotonic() - started
        started = time.monotonic()
        health = await http.get("/healthz")
        health_seconds = time.monotonic() - started

        proxy.flowing.set()
        await proxy.cut()
        await proxy.restore()
        after = await _me(http, session)

    _unavailable(during, "database")
    assert request_seconds < TIMEOUT + 1
    assert health.json() == {"status": "degraded", "database": False, "redis": True}
    assert health_seconds < TIMEOUT + 1
    assert after.json() == {"data": {"me": {"member": {"name": "Ann"}}}}


async def _lost_connection(caller: object) -> list[object]:
    raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")


async def _lost_redis(caller: object) -> list[object]:
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.mark.parametrize(
    ("failure", "dependency"), [(_lost_connection, "database"), (_lost_redis, "redis")]
)
async def test_a_dependency_lost_while_resolving_is_answered_503_with_one_warning(
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    failure: object,
    dependency: str,
) -> None:
    """Past authentication, in a resolver: not masked as a bug in production, no traceback."""
    production = settings.model_copy(update={"environment": Environment.PRODUCTION})
    app = create_app(production, manage_resources=False)
    session = await create_session()
    monkeypatch.setattr(members, "list_members", failure)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        with caplog.at_level(logging.INFO):
            response = await http.post(
                "/graphql", json={"query": "{ members { name } }"}, headers=session.headers
            )
    _unavailable(response, dependency)
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "answered 503" in warning.getMessage()
