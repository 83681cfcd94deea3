"""The count of a query that ORs many group conditions, through the API.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_orbench \
    REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/or_groups.py setup --contacts 50000 --groups 250
    ... .venv/bin/python bench/or_groups.py count --token <token printed by setup>

`setup` creates the database if missing, applies migrations and writes one workspace of
`--contacts` contacts and `--groups` manual groups ("List 1"…), each contact a member of three
of them, with set-wise SQL; it prints an admin token. `count` times `totalCount` of
`group = "List 1" OR … OR group = "List N"` through the app in this process, with the load
average beside the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402
from support import Api, running_service, summary, timed  # noqa: E402

from core.database import close_database, init_database  # noqa: E402
from core.migrate import apply_migrations  # noqa: E402
from models.enums import Role  # noqa: E402
from services.access.tokens import issue_token  # noqa: E402
from services.access.workspaces import create_workspace  # noqa: E402

COUNT = "query($q: String) { contacts(first: 0, filter: {query: $q}) { totalCount } }"
MEMBERSHIPS = 3  # groups per contact


def or_query(groups: int) -> str:
    return " OR ".join(f'group = "List {n}"' for n in range(1, groups + 1))


async def _ensure_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    admin = await asyncpg.connect(base.replace("postgres://", "postgresql://") + "/postgres")
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def setup(url: str, contacts: int, groups: int) -> None:
    await _ensure_database(url)
    await apply_migrations(url)
    await close_database()
    await init_database(url)
    workspace = await create_workspace(name="OR of groups", country="RW", timezone="UTC")
    token = await issue_token(workspace=workspace, role=Role.ADMIN, member_name="Bench")
    await close_database()
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        ws = workspace.id
        await conn.execute(
            "INSERT INTO contact (workspace_id, uuid, name, status, source, fields, created_on, "
            "modified_on) SELECT $1, gen_random_uuid(), 'Contact ' || n, 'active', 'import', "
            "'{}', now(), now() FROM generate_series(1, $2) n",
            ws, contacts,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO contact_group (workspace_id, uuid, name, kind) "
            "SELECT $1, gen_random_uuid(), 'List ' || n, 'manual' FROM generate_series(1, $2) n",
            ws, groups,
        )  # fmt: skip
        # Each contact in MEMBERSHIPS groups, spread evenly.
        await conn.execute(
            "WITH c AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contact "
            "WHERE workspace_id = $1), g AS (SELECT id, row_number() OVER (ORDER BY id) - 1 "
            "AS n FROM contact_group WHERE workspace_id = $1) "
            "INSERT INTO group_contact (workspace_id, group_id, contact_id) "
            "SELECT $1, g.id, c.id FROM c, generate_series(0, $3 - 1) k "
            "JOIN g ON true WHERE g.n = (c.n * 7 + k * 13) % $2",
            ws, groups, MEMBERSHIPS,
        )  # fmt: skip
        await conn.execute(
            "UPDATE contact_group g SET member_count = (SELECT count(*) FROM group_contact m "
            "WHERE m.group_id = g.id) WHERE g.workspace_id = $1",
            ws,
        )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    print(f"workspace {workspace.uuid}")
    print(f"token {token.token}")


async def count(token: str, groups: int, repeat: int) -> None:
    async with running_service(token, with_worker=False) as api:
        query = or_query(groups)

        async def run(api: Api = api) -> None:
            await api.gql(COUNT, {"q": query})

        total = (await api.gql(COUNT, {"q": query}))["contacts"]["totalCount"]
        times = await timed(run, repeat=repeat)
        load = os.getloadavg()
        print(f"totalCount of {groups} ORed groups = {total:,}: {summary(times)}")
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("setup")
    made.add_argument("--contacts", type=int, default=50_000)
    made.add_argument("--groups", type=int, default=250)
    timing = commands.add_parser("count")
    timing.add_argument("--token", required=True)
    timing.add_argument("--groups", type=int, default=250)
    timing.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contacts_orbench")
    if args.command == "setup":
        asyncio.run(setup(url, args.contacts, args.groups))
    else:
        asyncio.run(count(args.token, args.groups, args.repeat))


if __name__ == "__main__":
    main()
