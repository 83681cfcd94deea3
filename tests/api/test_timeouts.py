from __future__ import annotations

import asyncio
import time

import httpx
from starlette.applications import Starlette

from core.settings import Settings
from tests.factories import create_contact, create_session, data_of, gql
from tests.locks import COUNT, contact_tables_locked, waiting_statements
from web.app import create_app


def test_api_requests_have_a_statement_timeout_and_jobs_none_by_default() -> None:
    defaults = Settings(database_url="postgres://x/y", redis_url="redis://x")
    assert defaults.api_statement_timeout_ms == 5000
    assert defaults.job_statement_timeout_ms == 0


async def test_a_statement_past_the_timeout_is_cancelled_and_answers_timeout(
    settings: Settings,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    app: Starlette = create_app(
        settings.model_copy(update={"api_statement_timeout_ms": 300}), manage_resources=False
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        async with contact_tables_locked(settings) as watcher:
            started = time.monotonic()
            async with asyncio.timeout(10):
                body = await gql(client, session, COUNT)
            elapsed = time.monotonic() - started
            assert body["data"] is None
            [error] = body["errors"]
            assert error["extensions"]["code"] == "TIMEOUT"
            assert "took longer than 0.3 s" in error["message"]
            assert "Traceback" not in str(body)
            assert elapsed < 3
            # The server was told to cancel it: nothing still waits on the lock.
            for _ in range(20):
                if await waiting_statements(watcher) == 0:
                    break
                await asyncio.sleep(0.05)
            assert await waiting_statements(watcher) == 0
        # The connection went back to the pool in working order.
        assert data_of(await gql(client, session, COUNT))["contacts"]["totalCount"] == 1
