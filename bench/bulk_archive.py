"""Bulk archive of N contacts (selected by a filter) through the real worker, with the API's
contact-list latency sampled while the job runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_bench \
    REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bulk_archive.py --token <admin token from bench/dataset.py>

Flags N contacts "Bench Archive", archives them with `archiveContacts(selection: {filter:
{flagsAny: ["Bench Archive"]}})`, polls the job, then restores them the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from core.app import create_app  # noqa: E402
from core.settings import Settings  # noqa: E402

FLAG = "Bench Archive"
PAGE = (
    "{ contacts(first: 50, order: {field: NAME, direction: ASC}) "
    "{ edges { node { name urns { path } } } } }"
)
WORKER = (
    "import asyncio; from core.settings import get_settings; "
    "from workers.runner import run_worker; asyncio.run(run_worker(get_settings()))"
)


async def _flag_contacts(url: str, workspace_id: int, count: int) -> None:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    flag_id = await conn.fetchval(
        "INSERT INTO flag (workspace_id, uuid, name) VALUES ($1, gen_random_uuid(), $2) "
        "ON CONFLICT (workspace_id, lower(name)) DO UPDATE SET name = EXCLUDED.name RETURNING id",
        workspace_id, FLAG,
    )  # fmt: skip
    await conn.execute("DELETE FROM contact_flag WHERE flag_id = $1", flag_id)
    await conn.execute(
        "INSERT INTO contact_flag (workspace_id, flag_id, contact_id) SELECT $1, $2, id "
        "FROM contact WHERE workspace_id = $1 AND status = 'active' ORDER BY id LIMIT $3",
        workspace_id, flag_id, count,
    )  # fmt: skip
    await conn.close()


async def _gql(http: httpx.AsyncClient, token: str, query: str) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


async def _run_job(http: httpx.AsyncClient, token: str, mutation: str) -> tuple[float, list[float]]:
    started = time.perf_counter()
    data = await _gql(
        http, token,
        f'mutation {{ {mutation}(selection: {{filter: {{flagsAny: ["{FLAG}"]}}}}) '
        "{ ... on JobStarted { job { id progress { total } } } } }",
    )  # fmt: skip
    job = data[mutation]["job"]
    accepted = time.perf_counter() - started
    print(f"  {mutation}: accepted in {accepted * 1000:.0f} ms, total {job['progress']['total']:,}")
    latencies: list[float] = []
    while True:
        t0 = time.perf_counter()
        await _gql(http, token, PAGE)
        latencies.append(time.perf_counter() - t0)
        state = await _gql(
            http, token, f'{{ job(id: "{job["id"]}") {{ status progress {{ done total }} }} }}'
        )
        if state["job"]["status"] not in ("QUEUED", "RUNNING"):
            break
        await asyncio.sleep(0.1)
    elapsed = time.perf_counter() - started
    print(f"  {mutation}: {state['job']['status']} after {elapsed:.1f} s")
    return elapsed, latencies


def _report(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    median = statistics.median(ms)
    return f"page latency n={len(ms)} p50={median:.0f} ms p95={p95:.0f} ms max={ms[-1]:.0f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    settings = Settings(
        database_url=url, redis_url=os.environ["REDIS_URL"], queue_name="contacts:bench"
    )
    env = {**os.environ, "QUEUE_NAME": settings.queue_name}
    worker = subprocess.Popen([sys.executable, "-c", WORKER], env=env)  # noqa: ASYNC220
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=60
            ) as http:
                me = await _gql(http, args.token, "{ me { workspace { id } } }")
                conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
                workspace_id = await conn.fetchval(
                    "SELECT id FROM workspace WHERE uuid = $1", me["me"]["workspace"]["id"]
                )
                await conn.close()
                await _flag_contacts(url, workspace_id, args.count)
                idle = []
                for _ in range(20):
                    t0 = time.perf_counter()
                    await _gql(http, args.token, PAGE)
                    idle.append(time.perf_counter() - t0)
                print(f"idle {_report(idle)}")
                for mutation in ("archiveContacts", "restoreContacts"):
                    elapsed, latencies = await _run_job(http, args.token, mutation)
                    rate = args.count / elapsed
                    print(f"  {rate:,.0f} contacts/s; during the job: {_report(latencies)}")
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(10)


if __name__ == "__main__":
    asyncio.run(main())
