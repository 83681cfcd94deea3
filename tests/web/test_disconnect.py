"""Through a real server: a client that leaves mid-request takes its SQL with it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from core.settings import Settings
from tests.factories import Session, create_contact, create_session, data_of
from tests.locks import COUNT, contact_tables_locked, waiting_statements
from web.app import create_app


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[tuple[str, int]]:
    """The app under uvicorn on a free port of this machine."""
    app = create_app(settings, manage_resources=False)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    served = uvicorn.Server(config)
    task = asyncio.create_task(served.serve())
    for _ in range(500):
        if served.started:
            break
        await asyncio.sleep(0.01)
    port: int = served.servers[0].sockets[0].getsockname()[1]
    try:
        yield "127.0.0.1", port
    finally:
        served.should_exit = True
        await task


async def _send_count(host: str, port: int, session: Session) -> asyncio.StreamWriter:
    body = json.dumps({"query": COUNT}).encode()
    reader, writer = await asyncio.open_connection(host, port)
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {session.token}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    return writer


async def _until(check: object, seconds: float) -> bool:
    assert callable(check)
    for _ in range(int(seconds / 0.05)):
        if await check():
            return True
        await asyncio.sleep(0.05)
    return bool(await check())


async def test_a_client_that_leaves_cancels_its_statement(
    settings: Settings, server: tuple[str, int]
) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    host, port = server
    async with contact_tables_locked(settings) as watcher:

        async def one_waiting() -> bool:
            return await waiting_statements(watcher) == 1

        async def none_waiting() -> bool:
            return await waiting_statements(watcher) == 0

        writer = await _send_count(host, port, session)
        assert await _until(one_waiting, 3), "the count never reached the database"
        writer.close()  # the client goes away while its statement waits
        await writer.wait_closed()
        # Well before the 5 s statement timeout, PostgreSQL is no longer running it.
        assert await _until(none_waiting, 1)
    # The server still answers, and its connections still work.
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}") as client:
        response = await client.post("/graphql", json={"query": COUNT}, headers=session.headers)
    assert data_of(response.json())["contacts"]["totalCount"] == 1
