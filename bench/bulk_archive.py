"""Bulk archive (and restore) of N contacts selected by a filter, through the real worker,
with the API's contact-list latency sampled while the job runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_bench \
    REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bulk_archive.py --token <admin token from bench/dataset.py>
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import asyncpg
from support import Api, running_service, summary

FLAG = "Bench Archive"
PAGE = (
    "{ contacts(first: 50, order: {field: NAME, direction: ASC}) "
    "{ edges { node { name urns { path } } } } }"
)


async def _flag_contacts(url: str, workspace_uuid: str, count: int) -> None:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    workspace_id = await conn.fetchval("SELECT id FROM workspace WHERE uuid = $1", workspace_uuid)
    flag_id = await conn.fetchval(
        "INSERT INTO flag (workspace_id, uuid, name) VALUES ($1, gen_random_uuid(), $2) "
        "ON CONFLICT (workspace_id, lower(name)) DO UPDATE SET name = EXCLUDED.name RETURNING id",
        workspace_id,
        FLAG,
    )
    await conn.execute("DELETE FROM contact_flag WHERE flag_id = $1", flag_id)
    await conn.execute(
        "INSERT INTO contact_flag (workspace_id, flag_id, contact_id) SELECT $1, $2, id "
        "FROM contact WHERE workspace_id = $1 AND status = 'active' ORDER BY id LIMIT $3",
        workspace_id,
        flag_id,
        count,
    )
    await conn.close()


async def _run(api: Api, mutation: str, count: int) -> None:
    started = time.perf_counter()
    data = await api.gql(
        f'mutation {{ {mutation}(selection: {{filter: {{flagsAny: ["{FLAG}"]}}}}) '
        "{ ... on JobStarted { job { id progress { total } } } } }"
    )
    job = data[mutation]["job"]
    accepted = time.perf_counter() - started
    latencies: list[float] = []
    while True:
        t0 = time.perf_counter()
        await api.gql(PAGE)
        latencies.append(time.perf_counter() - t0)
        state = await api.gql(f'{{ job(id: "{job["id"]}") {{ status }} }}')
        if state["job"]["status"] not in ("QUEUED", "RUNNING"):
            break
        await asyncio.sleep(0.1)
    elapsed = time.perf_counter() - started
    print(
        f"{mutation}: {job['progress']['total']:,} contacts, accepted in {accepted * 1000:.0f} ms, "
        f"{state['job']['status']} after {elapsed:.1f} s ({count / elapsed:,.0f}/s); "
        f"contact page meanwhile: {summary(latencies)}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    async with running_service(args.token) as api:
        me = await api.gql("{ me { workspace { id } } }")
        await _flag_contacts(os.environ["DATABASE_URL"], me["me"]["workspace"]["id"], args.count)
        idle = []
        for _ in range(20):
            t0 = time.perf_counter()
            await api.gql(PAGE)
            idle.append(time.perf_counter() - t0)
        print(f"contact page, idle: {summary(idle)}")
        for mutation in ("archiveContacts", "restoreContacts"):
            await _run(api, mutation, args.count)


if __name__ == "__main__":
    asyncio.run(main())
