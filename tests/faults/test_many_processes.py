"""A deployment that has outgrown one machine: two API processes and two workers on one queue,
with the sweep re-enqueueing jobs every second. Imports, bulk jobs and flags started through
either API all finish, and nothing is applied twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from core.sql import sql
from tests.factories import Session, create_session
from tests.faults.workers import wait_for
from tests.network import free_port, until_healthy

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = str(Path(sys.executable).parent / "contacts")
ROWS = 1200
DEADLINE = 90.0

START_IMPORT = """
mutation($input: StartImportInput!) {
  startImport(input: $input) {
    __typename
    ... on ImportStarted { import { id } }
    ... on UserError { message }
  }
}
"""
IMPORT_STATUS = "query($id: ID!) { import(id: $id) { status counts { created } } }"
CONFIRM = """
mutation($id: ID!) {
  confirmImport(id: $id) { __typename ... on ImportConfirmed { job { id } } }
}
"""
ARCHIVE = """
mutation($q: String!) {
  archiveContacts(selection: {filter: {query: $q}}) {
    __typename ... on JobStarted { job { id } }
  }
}
"""
ADD_FLAGS = """
mutation {
  addFlags(flags: ["checked"], selection: {filter: {}}) {
    __typename ... on JobStarted { job { id } }
  }
}
"""
JOB = "query($id: ID!) { job(id: $id) { status changedCount progress { done total } } }"
COUNT = "query($q: String!) { contacts(first: 0, filter: {query: $q}) { totalCount } }"
HALF = 'name ~ "Ann"'


@contextmanager
def _processes(settings: Settings, ports: list[int], logs: Path) -> Iterator[None]:
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
        "QUEUE_NAME": f"{settings.queue_name}:many",
        "JOB_CHUNK_SIZE": "100",
        "JOB_SWEEP_SECONDS": "1",
    }
    commands = [[CONTACTS, "serve", "--port", str(p)] for p in ports]
    commands += [[CONTACTS, "worker"], [CONTACTS, "worker"]]
    files = [(logs / f"process-{i}.log").open("wb") for i in range(len(commands))]
    running = [
        subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=f)
        for c, f in zip(commands, files, strict=True)
    ]
    try:
        yield
    finally:
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for f in files:
            f.close()
            errors = Path(f.name).read_text()
            assert "Traceback" not in errors, errors


@asynccontextmanager
async def _apis(ports: list[int]) -> AsyncIterator[list[httpx.AsyncClient]]:
    clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=30) for p in ports]
    try:
        for client in clients:
            await until_healthy(client)
        yield clients
    finally:
        for client in clients:
            await client.aclose()


async def _gql(
    client: httpx.AsyncClient, session: Session, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=session.headers
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _job_done(client: httpx.AsyncClient, session: Session, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = {}

    async def ended() -> bool:
        job.update((await _gql(client, session, JOB, {"id": job_id}))["job"])
        return job["status"] not in ("QUEUED", "RUNNING")

    await wait_for(ended, f"job {job_id} ending", within=DEADLINE)
    return job


async def _import_through(
    first: httpx.AsyncClient, second: httpx.AsyncClient, session: Session
) -> None:
    """Uploaded to one API, confirmed on the other."""
    text = "name,phone\n" + "".join(
        f"{('Ann', 'Bob')[i % 2]} {i},+25078{i:07d}\n" for i in range(ROWS)
    )
    operations = {"query": START_IMPORT, "variables": {"input": {"file": None}}}
    response = await first.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("people.csv", text.encode(), "text/csv")},
        headers={**session.headers, "GraphQL-Preflight": "1"},
    )
    started = response.json()["data"]["startImport"]
    assert started["__typename"] == "ImportStarted", started
    import_id = started["import"]["id"]

    async def previewed() -> bool:
        found = (await _gql(second, session, IMPORT_STATUS, {"id": import_id}))["import"]
        return bool(found["status"] == "PREVIEWED")

    await wait_for(previewed, "the preview", within=DEADLINE)
    confirmed = (await _gql(second, session, CONFIRM, {"id": import_id}))["confirmImport"]
    assert confirmed["__typename"] == "ImportConfirmed", confirmed
    job = await _job_done(first, session, confirmed["job"]["id"])
    assert job["status"] == "SUCCEEDED", job
    final = (await _gql(first, session, IMPORT_STATUS, {"id": import_id}))["import"]
    assert final == {"status": "COMMITTED", "counts": {"created": ROWS}}


async def _events(session: Session, kind: str) -> tuple[int, int]:
    row = await sql().fetchrow(
        "SELECT count(*) AS events, count(DISTINCT contact_id) AS contacts FROM contact_event "
        "WHERE workspace_id = $1 AND kind = $2",
        session.workspace.id,
        kind,
    )
    assert row is not None
    return row["events"], row["contacts"]


async def test_two_apis_and_two_workers_apply_every_job_exactly_once(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    ports = [free_port(), free_port()]
    with _processes(settings, ports, tmp_path):
        async with _apis(ports) as (first, second):
            await _import_through(first, second, session)

            matched = (await _gql(second, session, COUNT, {"q": HALF}))["contacts"]["totalCount"]
            assert matched == ROWS // 2
            # Both at once, each through its own API: some archived, every contact flagged.
            archive, flags = await asyncio.gather(
                _gql(first, session, ARCHIVE, {"q": HALF}),
                _gql(second, session, ADD_FLAGS),
            )
            ended = await asyncio.gather(
                _job_done(second, session, archive["archiveContacts"]["job"]["id"]),
                _job_done(first, session, flags["addFlags"]["job"]["id"]),
            )
            for job in ended:
                assert job["status"] == "SUCCEEDED", job
                assert job["progress"]["done"] == job["progress"]["total"], job

    archived = await sql().fetchval(
        "SELECT count(*) FROM contact WHERE workspace_id = $1 AND status = 'archived'",
        session.workspace.id,
    )
    assert archived == matched
    assert await _events(session, "created") == (ROWS, ROWS)
    assert await _events(session, "status_changed") == (matched, matched)
    assert await _events(session, "flag_added") == (ROWS, ROWS)
    unfinished = await sql().fetchval(
        "SELECT count(*) FROM job WHERE workspace_id = $1 AND status <> 'succeeded'",
        session.workspace.id,
    )
    assert unfinished == 0
