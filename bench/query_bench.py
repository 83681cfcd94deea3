"""Benchmarks for the contact query language.

python bench/query_bench.py parse
    microseconds per parse_query() for a handful of realistic queries (no database)

DATABASE_URL=postgresql://... python bench/query_bench.py generate --contacts 1000000
    applies migrations and fills the database with one large workspace (plus a small one)

DATABASE_URL=postgresql://... python bench/query_bench.py explain
    EXPLAIN ANALYZE of counts and first pages of compiled queries on the large workspace
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402

from models.enums import DateFormat, FieldType, GroupKind  # noqa: E402
from query.api import parse_query  # noqa: E402
from query.environment import FieldInfo, FlagInfo, GroupInfo, QueryEnvironment  # noqa: E402

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

# Written for the data `generate` makes: synthetic names such as "Faru Migako", phone numbers
# +2507 and 8 digits, fields city (text), age (number) and dob (datetime).
EXPLAIN_QUERIES = [
    "faru",
    "faru mig",
    "ka",
    "83838",
    "tel ~ 07883",
    "mailto ~ example",
    "city = kigali AND age > 18",
    "city = kigali age >= 18 dob < 01-01-2000",
    "age = 42",
    'city != ""',
    'city = ""',
    "group = testers AND flag != vip AND status = active",
    "group = farmers OR flag = vip",
    "(city = kigali OR city = musanze) AND (age < 20 OR age > 60) AND name ~ jo",
    'created_on >= 01-01-2024 AND last_seen_on != "" AND language = kin',
]

FIRST_PAGE = "ORDER BY c.created_on DESC, c.id DESC LIMIT 50"


def _names(rng: random.Random, count: int, syllables: int) -> list[str]:
    parts = "ka ma nzi mu ga ki ra je an ne li wil so phi ha ru to be di ol iv ia".split()
    parts += "jo em mi cha el sa ro da vi yu ta ni ko lu ze fa".split()
    names = {
        "".join(rng.choice(parts) for _ in range(rng.randint(2, syllables))).capitalize()
        for _ in range(count * 2)
    }
    return sorted(names)[:count]


def sample_environment(workspace_id: int = 1, **lookups: Any) -> QueryEnvironment:
    fields = lookups.get("fields") or [
        FieldInfo(uuid.UUID(int=1), "city", "City", FieldType.TEXT),
        FieldInfo(uuid.UUID(int=2), "age", "Age", FieldType.NUMBER),
        FieldInfo(uuid.UUID(int=3), "dob", "Date of birth", FieldType.DATETIME),
    ]
    groups = lookups.get("groups") or [GroupInfo(1, "Testers", GroupKind.MANUAL)]
    flags = lookups.get("flags") or [FlagInfo(1, "VIP")]
    return QueryEnvironment.build(
        workspace_id=workspace_id,
        country="US",
        timezone=ZoneInfo("Africa/Kigali"),
        date_format=DateFormat.DAY_FIRST,
        fields=fields,
        groups=groups,
        flags=flags,
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


GENERATE_SQL = """
INSERT INTO contact (workspace_id, uuid, name, language, status, company, country, fields,
                     created_on, modified_on, last_seen_on)
SELECT $1, gen_random_uuid(),
       CASE WHEN random() < 0.97 THEN
           ($2::text[])[1 + floor(random() * cardinality($2::text[]))::int] || ' ' ||
           ($3::text[])[1 + floor(random() * cardinality($3::text[]))::int] END,
       (ARRAY['eng', 'fra', 'kin', 'swa'])[1 + floor(random() * 4)::int],
       CASE WHEN random() < 0.95 THEN 'active' ELSE 'archived' END,
       CASE WHEN random() < 0.3 THEN 'Company ' || floor(random() * 1000)::int END,
       'RW',
       (CASE WHEN random() < 0.8 THEN jsonb_build_object($4::text, jsonb_build_object('text',
            ($7::text[])[1 + floor(random() * cardinality($7::text[]))::int])) ELSE '{}' END)
       || (CASE WHEN random() < 0.7 THEN jsonb_build_object($5::text,
            jsonb_build_object('text', r.age::text, 'number', r.age)) ELSE '{}' END)
       || (CASE WHEN random() < 0.5 THEN jsonb_build_object($6::text,
            jsonb_build_object('text', to_char(r.dob, 'DD-MM-YYYY'),
                               'datetime', to_char(r.dob, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))
            ELSE '{}' END)
       || jsonb_build_object($9::text, jsonb_build_object('text', md5(i::text))),
       now() - random() * interval '3 years', now() - random() * interval '1 year',
       CASE WHEN random() < 0.7 THEN now() - random() * interval '1 year' END
FROM generate_series(1, $8::int) AS i
CROSS JOIN LATERAL (
    SELECT floor(random() * 90 + 0 * i)::int AS age,
           timestamp '1950-01-01' + random() * interval '60 years' + 0 * i * interval '1 s' AS dob
) AS r
"""


async def generate(url: str, contacts: int) -> None:
    from core.database import close_database
    from core.migrate import apply_migrations

    await apply_migrations(url)
    await close_database()
    rng = random.Random(42)
    first, last = _names(rng, 400, 3), _names(rng, 2000, 4)
    cities = [f"City{n}" for n in range(60)] + ["Kigali", "Musanze", "Huye", "Rubavu"]
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("SELECT setseed(0.42)")
        for workspace_id, size in ((1, contacts), (2, max(contacts // 50, 10))):
            await _generate_workspace(conn, workspace_id, size, first, last, cities)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def _generate_workspace(
    conn: asyncpg.Connection, workspace_id: int, size: int, *lists: list[str]
) -> None:
    first, last, cities = lists
    started = time.perf_counter()
    await conn.execute(
        "INSERT INTO workspace (id, uuid, name, country, timezone) "
        "VALUES ($1, gen_random_uuid(), $2, 'RW', 'Africa/Kigali')",
        workspace_id,
        f"Bench {workspace_id}",
    )
    for n, (key, value_type) in enumerate(
        (("city", "text"), ("age", "number"), ("dob", "datetime"), ("code", "text")), start=1
    ):
        await conn.execute(
            "INSERT INTO contact_field (workspace_id, uuid, key, name, value_type) "
            "VALUES ($1, $2, $3, $3, $4)",
            workspace_id,
            uuid.UUID(int=workspace_id * 100 + n),
            key,
            value_type,
        )
    city, age, dob, code = (str(uuid.UUID(int=workspace_id * 100 + n)) for n in (1, 2, 3, 4))
    for chunk_start in range(0, size, 100_000):
        chunk = min(100_000, size - chunk_start)
        await conn.execute(
            GENERATE_SQL, workspace_id, first, last, city, age, dob, cities, chunk, code
        )
    inserted = time.perf_counter() - started
    print(f"workspace {workspace_id}: contacts inserted at {size / inserted:,.0f}/s")
    await conn.execute(
        """
        INSERT INTO contact_urn (workspace_id, contact_id, scheme, path, priority)
        SELECT workspace_id, id, 'tel', '+2507' || lpad((id * 7919 % 100000000)::text, 8, '0'), 1
        FROM contact WHERE workspace_id = $1 AND random() < 0.95
        UNION ALL
        SELECT workspace_id, id, 'mailto', lower(replace(coalesce(name, 'x'), ' ', '.')) || id
            || '@example.com', 0
        FROM contact WHERE workspace_id = $1 AND random() < 0.3
        """,
        workspace_id,
    )
    for name, share in (("Testers", 0.01), ("Farmers", 0.3), ("Donors", 0.05)):
        group_id = await conn.fetchval(
            "INSERT INTO contact_group (workspace_id, uuid, name, kind) "
            "VALUES ($1, gen_random_uuid(), $2, 'manual') RETURNING id",
            workspace_id,
            name,
        )
        await conn.execute(
            "INSERT INTO group_contact (workspace_id, group_id, contact_id) "
            "SELECT workspace_id, $2, id FROM contact WHERE workspace_id = $1 AND random() < $3",
            workspace_id,
            group_id,
            share,
        )
    flag_id = await conn.fetchval(
        "INSERT INTO flag (workspace_id, uuid, name) VALUES ($1, gen_random_uuid(), 'VIP') "
        "RETURNING id",
        workspace_id,
    )
    await conn.execute(
        "INSERT INTO contact_flag (workspace_id, flag_id, contact_id) "
        "SELECT workspace_id, $2, id FROM contact WHERE workspace_id = $1 AND random() < 0.1",
        workspace_id,
        flag_id,
    )
    print(f"workspace {workspace_id}: {size:,} contacts in {time.perf_counter() - started:.0f}s")


async def load_environment(conn: asyncpg.Connection, workspace_id: int) -> QueryEnvironment:
    fields = [
        FieldInfo(r["uuid"], r["key"], r["name"], FieldType(r["value_type"]))
        for r in await conn.fetch(
            "SELECT uuid, key, name, value_type FROM contact_field WHERE workspace_id = $1",
            workspace_id,
        )
    ]
    groups = [
        GroupInfo(r["id"], r["name"], GroupKind(r["kind"]))
        for r in await conn.fetch(
            "SELECT id, name, kind FROM contact_group WHERE workspace_id = $1", workspace_id
        )
    ]
    flags = [
        FlagInfo(r["id"], r["name"])
        for r in await conn.fetch("SELECT id, name FROM flag WHERE workspace_id = $1", workspace_id)
    ]
    return sample_environment(workspace_id, fields=fields, groups=groups, flags=flags)


async def explain(url: str, queries: list[str], settings: list[str], verbose: bool) -> None:
    """Best of three runs of each statement, after one that warms the cache."""
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        for setting in settings:
            name, _, value = setting.partition("=")
            await conn.execute("SELECT set_config($1, $2, false)", name, value)
        env = await load_environment(conn, 1)
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
                await conn.fetch(statement, 1, *params)
                runs = [
                    await conn.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", 1, *params)
                    for _ in range(3)
                ]
                timings[label] = min(_total_ms(plan) for plan in runs)
                if verbose:
                    lines = await conn.fetch(f"EXPLAIN (ANALYZE) {statement}", 1, *params)
                    print("\n".join(r[0] for r in lines))
            count = await conn.fetchval(statements["count"], 1, *params)
            print(f"{timings['count']:9.1f} {count:8d} {timings['page']:8.1f}  {text}")
    finally:
        await conn.close()


def _total_ms(plan: Any) -> float:
    document = json.loads(plan) if isinstance(plan, str) else plan
    return float(document[0]["Planning Time"] + document[0]["Execution Time"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse")
    parse.add_argument("--rounds", type=int, default=2000)
    gen = commands.add_parser("generate")
    gen.add_argument("--contacts", type=int, default=1_000_000)
    exp = commands.add_parser("explain")
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
    if args.command == "generate":
        asyncio.run(generate(url, args.contacts))
    else:
        asyncio.run(explain(url, args.queries or EXPLAIN_QUERIES, args.set, args.verbose))


if __name__ == "__main__":
    main()
