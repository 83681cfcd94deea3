"""Full evaluation of smart groups on a bench/dataset.py workspace, the job run in this
process (the same statements the worker runs), with the time spent per statement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_bench \
        .venv/bin/python bench/smart_group_bench.py --workspace <uuid> "age > 40 AND city = kigali"

Each group is deleted again afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import connections  # noqa: E402

from core.database import close_database, init_database  # noqa: E402
from core.sql import sql  # noqa: E402
from models import Member, Workspace  # noqa: E402
from services.access.caller import Caller  # noqa: E402
from services.dispatch.runner import run_job  # noqa: E402
from services.groups import definitions as groups  # noqa: E402


class StatementTimes:
    """Seconds per statement, from asyncpg's query logger on every pooled connection."""

    def __init__(self) -> None:
        self.totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def __call__(self, record: Any) -> None:
        entry = self.totals[" ".join(record.query.split())[:80]]
        entry[0] += 1
        entry[1] += record.elapsed

    def watch(self) -> None:
        for holder in connections.get("default")._pool._holders:
            if holder._con is not None:
                holder._con.add_query_logger(self)

    def top(self, n: int = 4) -> list[str]:
        ranked = sorted(self.totals.items(), key=lambda kv: -kv[1][1])[:n]
        return [f"    {s:7.2f} s {c:5d}x  {q}" for q, (c, s) in ranked]


async def evaluate(caller: Caller, query: str, chunk_size: int) -> None:
    group = await groups.create_group(caller, name=f"Bench {time.time():.3f}", query=query)
    job = await sql().fetchval(
        "SELECT uuid FROM job WHERE kind = 'evaluate_group' AND params->>'group_id' = $1",
        str(await sql().fetchval("SELECT id FROM contact_group WHERE uuid = $1", group.uuid)),
    )
    times = StatementTimes()
    times.watch()
    started = time.perf_counter()
    status = await run_job(str(job), chunk_size=chunk_size)
    elapsed = time.perf_counter() - started
    members = await sql().fetchval(
        "SELECT member_count FROM contact_group WHERE uuid = $1", group.uuid
    )
    print(f"{query!r}: {status} with {members:,} members in {elapsed:.1f} s")
    print("\n".join(times.top()))
    await sql().execute("DELETE FROM contact_group WHERE uuid = $1", group.uuid)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workspace", required=True, help="UUID printed by bench/dataset.py")
    parser.add_argument("--chunk-size", type=int, default=5000)
    parser.add_argument("queries", nargs="+")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contacts_bench")
    await init_database(url)
    try:
        workspace = await Workspace.get(uuid=args.workspace)
        member = await Member.filter(workspace_id=workspace.id).first()
        assert member is not None, "the dataset's workspace has an admin"
        caller = Caller(workspace=workspace, member=member)
        for query in args.queries:
            await evaluate(caller, query, args.chunk_size)
    finally:
        await close_database()


if __name__ == "__main__":
    asyncio.run(main())
