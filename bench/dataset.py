"""Generate a benchmark workspace: N contacts with addresses, 10 custom fields, 20 groups
and 5 flags, written with COPY through the same storage format the service writes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contacts_bench \
        .venv/bin/python bench/dataset.py --contacts 1000000

Creates the database if missing, applies migrations, and prints the workspace UUID and an
admin token for the API benchmarks. Deterministic for a given --seed.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402

from core.database import close_database, init_database  # noqa: E402
from core.migrate import apply_migrations  # noqa: E402
from models.enums import FieldType, Role  # noqa: E402
from services.access.tokens import issue_token  # noqa: E402
from services.access.workspaces import create_workspace  # noqa: E402
from services.fields.values import format_datetime  # noqa: E402

FIELDS: list[tuple[str, FieldType, bool]] = [
    ("age", FieldType.NUMBER, True),
    ("district", FieldType.TEXT, True),
    ("joined", FieldType.DATETIME, True),
    ("plan", FieldType.TEXT, False),
    ("score", FieldType.NUMBER, False),
    ("gender", FieldType.TEXT, False),
    ("city", FieldType.TEXT, False),
    ("visits", FieldType.NUMBER, False),
    ("last_order", FieldType.DATETIME, False),
    ("referrer", FieldType.TEXT, False),
]
FIRST = ["Ann", "Bob", "Claire", "David", "Eric", "Fatuma", "Grace", "Hassan", "Ines", "Jean",
         "Kevin", "Linda", "Moses", "Nadia", "Olivier", "Patience", "Quentin", "Rose", "Samuel",
         "Teta", "Uwase", "Victor", "Will", "Xavier", "Yvonne", "Zawadi"]  # fmt: skip
LAST = ["Mugisha", "Uwimana", "Smith", "Kagame", "Niyonzima", "Habimana", "Okafor", "Dubois",
        "Mensah", "Ndayisaba", "Johnson", "Ishimwe", "Nkurunziza", "Garcia", "Keza"]  # fmt: skip
DISTRICTS = ["Gasabo", "Kicukiro", "Nyarugenge", "Musanze", "Huye", "Rubavu", "Nyagatare"]
PLANS = ["free", "basic", "pro", "enterprise"]
CITIES = ["Kigali", "Butare", "Gisenyi", "Ruhengeri", "Kibuye"]
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _value(kind: FieldType, text: str) -> dict[str, Any]:
    stored: dict[str, Any] = {"text": text}
    if kind is FieldType.NUMBER:
        stored["number"] = int(text)
    if kind is FieldType.DATETIME:
        stored["datetime"] = format_datetime(datetime.fromisoformat(text))
    return stored


def _fields(rng: random.Random, uuids: dict[str, str]) -> str:
    values: dict[str, Any] = {}
    if rng.random() < 0.9:
        values[uuids["age"]] = _value(FieldType.NUMBER, str(rng.randint(16, 90)))
    if rng.random() < 0.8:
        values[uuids["district"]] = {"text": rng.choice(DISTRICTS)}
    if rng.random() < 0.7:
        day = EPOCH + timedelta(days=rng.randint(0, 2000), seconds=rng.randint(0, 86399))
        values[uuids["joined"]] = _value(FieldType.DATETIME, day.isoformat())
    values[uuids["plan"]] = {"text": rng.choice(PLANS)}
    if rng.random() < 0.5:
        values[uuids["score"]] = _value(FieldType.NUMBER, str(rng.randint(0, 1000)))
    values[uuids["gender"]] = {"text": rng.choice(["female", "male", "other"])}
    values[uuids["city"]] = {"text": rng.choice(CITIES)}
    if rng.random() < 0.6:
        values[uuids["visits"]] = _value(FieldType.NUMBER, str(rng.randint(0, 50)))
    if rng.random() < 0.3:
        day = EPOCH + timedelta(days=rng.randint(0, 2000))
        values[uuids["last_order"]] = _value(FieldType.DATETIME, day.isoformat())
    if rng.random() < 0.2:
        values[uuids["referrer"]] = {"text": rng.choice(FIRST)}
    return json.dumps(values)


async def _ensure_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    admin = await asyncpg.connect(base.replace("postgres://", "postgresql://") + "/postgres")
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def generate(url: str, contacts: int, seed: int, batch: int = 50_000) -> None:
    rng = random.Random(seed)
    await _ensure_database(url)
    await apply_migrations(url)
    await close_database()
    await init_database(url)
    workspace = await create_workspace(
        name=f"Bench {contacts}", country="RW", timezone="Africa/Kigali"
    )
    token = await issue_token(workspace=workspace, role=Role.ADMIN, member_name="Bench")
    await close_database()

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    ws = workspace.id
    uuids: dict[str, str] = {}
    for position, (key, kind, featured) in enumerate(FIELDS, start=1):
        field_uuid = uuid.uuid4()
        uuids[key] = str(field_uuid)
        await conn.execute(
            "INSERT INTO contact_field (workspace_id, uuid, key, name, value_type, featured, "
            "position) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            ws, field_uuid, key, key.replace("_", " ").title(), kind.value, featured,
            position if featured else None,
        )  # fmt: skip
    started = time.perf_counter()
    for offset in range(0, contacts, batch):
        size = min(batch, contacts - offset)
        now = datetime.now(UTC)
        rows = []
        for i in range(offset, offset + size):
            created = EPOCH + timedelta(seconds=i * 60)
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}" if rng.random() < 0.97 else None
            rows.append((
                ws, uuid.UUID(int=rng.getrandbits(128), version=4), name,
                rng.choice(["eng", "fra", "kin", "swa", None]),
                "active" if rng.random() < 0.95 else rng.choice(["blocked", "stopped"]),
                f"Company {rng.randint(1, 5000)}" if rng.random() < 0.4 else None,
                None, "RW", rng.choice(DISTRICTS), None, "import",
                _fields(rng, uuids), created, created,
                now - timedelta(days=rng.randint(0, 400)) if rng.random() < 0.6 else None,
            ))  # fmt: skip
        await conn.copy_records_to_table(
            "contact",
            records=rows,
            columns=["workspace_id", "uuid", "name", "language", "status", "company",
                     "job_title", "country", "state", "notes", "source", "fields",
                     "created_on", "modified_on", "last_seen_on"],
        )  # fmt: skip
        print(f"contacts {offset + size:>9,} ({time.perf_counter() - started:.0f} s)", flush=True)

    ids = [
        r["id"]
        for r in await conn.fetch("SELECT id FROM contact WHERE workspace_id = $1 ORDER BY id", ws)
    ]
    urns = []
    for n, contact_id in enumerate(ids):
        urns.append((ws, contact_id, "tel", f"+2507{88000000 + n:08d}", 2))
        if n % 2 == 0:
            urns.append((ws, contact_id, "mailto", f"user{n}@example.com", 1))
    for start in range(0, len(urns), 200_000):
        await conn.copy_records_to_table(
            "contact_urn", records=urns[start : start + 200_000],
            columns=["workspace_id", "contact_id", "scheme", "path", "priority"],
        )  # fmt: skip
    print(f"addresses {len(urns):,} ({time.perf_counter() - started:.0f} s)", flush=True)

    for g in range(20):
        group_id = await conn.fetchval(
            "INSERT INTO contact_group (workspace_id, uuid, name, kind) VALUES ($1, $2, $3, "
            "'manual') RETURNING id",
            ws, uuid.uuid4(), f"List {g + 1}",
        )  # fmt: skip
        share = 0.02 + 0.01 * g
        members = [(ws, group_id, cid) for cid in ids if rng.random() < share]
        await conn.copy_records_to_table(
            "group_contact", records=members, columns=["workspace_id", "group_id", "contact_id"]
        )
        await conn.execute(
            "UPDATE contact_group SET member_count = $2 WHERE id = $1", group_id, len(members)
        )
    print(f"groups 20 ({time.perf_counter() - started:.0f} s)", flush=True)
    for name in ["VIP", "Hot Lead", "Do Not Call", "Partner", "Press"]:
        flag_id = await conn.fetchval(
            "INSERT INTO flag (workspace_id, uuid, name) VALUES ($1, $2, $3) RETURNING id",
            ws, uuid.uuid4(), name,
        )  # fmt: skip
        tagged = [(ws, flag_id, cid) for cid in ids if rng.random() < 0.05]
        await conn.copy_records_to_table(
            "contact_flag", records=tagged, columns=["workspace_id", "flag_id", "contact_id"]
        )
    await conn.execute("VACUUM ANALYZE")
    await conn.close()
    print(f"done in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"workspace {workspace.uuid}")
    print(f"token {token.token}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contacts_bench")
    asyncio.run(generate(url, args.contacts, args.seed))


if __name__ == "__main__":
    main()
