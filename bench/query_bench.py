"""Benchmarks for the contact query language.

python bench/query_bench.py parse
    microseconds per parse_query() for a handful of realistic queries (no database)

DATABASE_URL=postgresql://... python bench/query_bench.py explain --workspace UUID
    EXPLAIN ANALYZE of counts and first pages of compiled queries on a workspace made by
    bench/dataset.py (1M contacts, 10 fields, 20 groups, 5 flags)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402

from core.database import close_database, db, init_database  # noqa: E402
from models import Workspace  # noqa: E402
from models.enums import DateFormat, FieldType, GroupKind  # noqa: E402
from query.api import parse_query  # noqa: E402
from query.environment import FieldInfo, FlagInfo, GroupInfo, QueryEnvironment  # noqa: E402
from services.contacts.query_env import query_environment  # noqa: E402

QUERIES = [
    "bob",
    "will smi",
    "0788",
    "(202) 555-0143",
    "city = kigali AND age > 18",
    'city = "Kigali" age >= 18 dob < 01-01-2000',
    "tel ~ 078838 OR mailto ~ example",
    "group = testers AND flag != vip AND status = active",
    "(city = kigali OR city = musanze) AND (age < 20 OR age > 60) AND name ~ jo",
    'created_on >= 01-01-2024 AND last_seen_on != "" AND language = kin',
]

# Written for bench/dataset.py: names such as "Fatuma Mugisha", phones +25078800000..,
# fields age, district, joined, plan, score, gender, city, visits, last_order, referrer.
EXPLAIN_QUERIES = [
    "fatuma",
    "fatuma mug",
    "ka",
    "0123456",
    "tel ~ 788001",
    "mailto ~ user12345",
    "city = kigali AND age > 40",
    "gender = other AND score >= 500",
    "age = 42",
    'referrer != ""',
    'group = "List 3" AND flag != vip AND status = active',
    'group = "List 20" OR flag = vip',
    "(city = kigali OR city = huye) AND (age < 20 OR age > 60) AND name ~ gr",
    'joined >= 01-01-2023 AND last_seen_on != "" AND language = kin',
]

FIRST_PAGE = "ORDER BY c.created_on DESC, c.id DESC LIMIT 50"


def sample_environment() -> QueryEnvironment:
    """Three fields, a group and a flag, enough for every query in QUERIES."""
    return QueryEnvironment.build(
        workspace_id=1,
        country="US",
        timezone=ZoneInfo("Africa/Kigali"),
        date_format=DateFormat.DAY_FIRST,
        fields=[
            FieldInfo(uuid.UUID(int=1), "city", "City", FieldType.TEXT, 1),
            FieldInfo(uuid.UUID(int=2), "age", "Age", FieldType.NUMBER, 2),
            FieldInfo(uuid.UUID(int=3), "dob", "Date of birth", FieldType.DATETIME, 3),
        ],
        groups=[GroupInfo(1, "Testers", GroupKind.MANUAL)],
        flags=[FlagInfo(1, "VIP")],
    )


def bench_parse(rounds: int) -> None:
    env = sample_environment()
    print(f"{'µs/parse':>9}  {'µs/sql':>7}  query")
    for text in QUERIES:
        parsed = parse_query(text, env)
        started = time.perf_counter()
        for _ in range(rounds):
            parse_query(text, env)
        parse_us = (time.perf_counter() - started) / rounds * 1e6
        started = time.perf_counter()
        for _ in range(rounds):
            parsed.to_sql(2)
        sql_us = (time.perf_counter() - started) / rounds * 1e6
        print(f"{parse_us:9.1f}  {sql_us:7.1f}  {text}")


async def explain(
    url: str, workspace: str, queries: list[str], settings: list[str], verbose: bool
) -> None:
    """Best of three runs of each statement, after one that warms the cache. Queries are read
    as the service reads them (`query_environment`: the workspace's country, time zone, date
    format, fields, groups and flags)."""
    await init_database(url, pool_max=1)
    try:
        found = await Workspace.get(uuid=workspace)
        workspace_id = found.id
        env = await query_environment(found)
        async with db().acquire_connection() as conn:
            await _explain_each(conn, workspace_id, env, queries, settings, verbose)
    finally:
        await close_database()


async def _explain_each(
    conn: asyncpg.Connection,
    workspace_id: int,
    env: QueryEnvironment,
    queries: list[str],
    settings: list[str],
    verbose: bool,
) -> None:
    for setting in settings:
        name, _, value = setting.partition("=")
        await conn.execute("SELECT set_config($1, $2, false)", name, value)
    print(f"{'count ms':>9} {'rows':>8} {'page ms':>8}  query")
    for text in queries:
        where, params = parse_query(text, env).to_sql(2)
        statements = {
            "count": f"SELECT count(*) FROM contact c WHERE c.workspace_id = $1 AND {where}",
            "page": f"SELECT c.id FROM contact c WHERE c.workspace_id = $1 AND {where} "
            + FIRST_PAGE,
        }
        timings: dict[str, float] = {}
        for label, statement in statements.items():
            await conn.fetch(statement, workspace_id, *params)
            runs = [
                await conn.fetchval(
                    f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", workspace_id, *params
                )
                for _ in range(3)
            ]
            timings[label] = min(_total_ms(plan) for plan in runs)
            if verbose:
                lines = await conn.fetch(f"EXPLAIN (ANALYZE) {statement}", workspace_id, *params)
                print("\n".join(r[0] for r in lines))
        count = await conn.fetchval(statements["count"], workspace_id, *params)
        print(f"{timings['count']:9.1f} {count:8d} {timings['page']:8.1f}  {text}")


def _total_ms(plan: Any) -> float:
    document = json.loads(plan) if isinstance(plan, str) else plan
    return float(document[0]["Planning Time"] + document[0]["Execution Time"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse")
    parse.add_argument("--rounds", type=int, default=2000)
    exp = commands.add_parser("explain")
    exp.add_argument("--workspace", required=True, help="UUID printed by bench/dataset.py")
    exp.add_argument("queries", nargs="*", help="queries to run (default: the built-in set)")
    exp.add_argument("--verbose", action="store_true", help="print each plan")
    exp.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a setting, e.g. jit=off"
    )
    args = parser.parse_args()
    if args.command == "parse":
        bench_parse(args.rounds)
        return
    url = os.environ.get("DATABASE_URL")
    if not url:
        parser.error("set DATABASE_URL to a PostgreSQL database")
    queries = args.queries or EXPLAIN_QUERIES
    asyncio.run(explain(url, args.workspace, queries, args.set, args.verbose))


if __name__ == "__main__":
    main()
