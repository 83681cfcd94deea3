"""A small workspace of contacts, written with plain SQL so every stored value is exact."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from core.settings import Settings
from core.sql import sql
from models.enums import DateFormat, FieldType, GroupKind
from query.api import parse_query
from query.environment import FieldInfo, FlagInfo, GroupInfo, QueryEnvironment

LONG = "a" * 120


@dataclass(frozen=True)
class Contact:
    label: str
    name: str | None = None
    language: str | None = None
    status: str = "active"
    company: str | None = None
    job_title: str | None = None
    country: str | None = None
    state: str | None = None
    fields: dict[str, dict[str, Any]] | None = None
    urns: tuple[tuple[str, str], ...] = ()
    groups: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    created_on: datetime = datetime(2023, 1, 1, tzinfo=UTC)
    last_seen_on: datetime | None = None


def contacts() -> list[Contact]:
    """Keys of `fields` are field keys; `urns` are (scheme, stored path)."""
    return [
        Contact(
            "ann",
            name="Ann Smith-Jones",
            language="eng",
            company="Acme",
            job_title="Engineer",
            country="RW",
            state="Kigali",
            fields={
                "city": {"text": "Kigali"},
                "age": {"text": "42", "number": 42},
                "dob": {"text": "27-01-1990", "datetime": "1990-01-26T22:00:00.000000Z"},
                "notes": {"text": LONG + "x"},
            },
            urns=(("tel", "+12025550143"), ("mailto", "ann@example.com")),
            groups=("Testers",),
            flags=("VIP",),
            created_on=datetime(2020, 1, 27, 10, tzinfo=UTC),
            last_seen_on=datetime(2024, 5, 1, 12, tzinfo=UTC),
        ),
        Contact(
            "bob",
            name="Bob Christopherson",
            language="fra",
            status="archived",
            fields={
                "city": {"text": " kigali "},
                "age": {"text": "42.0", "number": 42.0},
                "dob": {"text": "29-02-2000", "datetime": "2000-02-28T22:00:00.000000Z"},
                "notes": {"text": LONG + "y"},
            },
            urns=(("tel", "+250788383383"),),
            created_on=datetime(2020, 1, 26, 22, 30, tzinfo=UTC),  # 00:30 on the 27th in Kigali
        ),
        Contact(
            "cat",
            status="blocked",
            fields={"city": {"text": "Musanze"}, "age": {"text": "abc"}},
            urns=(("whatsapp", "250788000111"),),
            groups=("Testers", "Adults"),
            created_on=datetime(2020, 1, 26, 21, 59, 59, tzinfo=UTC),  # still the 26th there
            last_seen_on=datetime(2024, 4, 30, 21, 59, tzinfo=UTC),
        ),
        Contact(
            "dan",
            name="D",
            status="stopped",
            fields={},
            flags=("VIP",),
            created_on=datetime(2021, 6, 1, tzinfo=UTC),
        ),
        Contact(
            "eve",
            name="Éve O'Neil",
            fields={"age": {"text": "-3.5", "number": -3.5}},
            urns=(("ext", "x_y%z"),),
            created_on=datetime(2022, 3, 3, tzinfo=UTC),
        ),
    ]


@dataclass(frozen=True)
class Workspace:
    id: int
    env: QueryEnvironment
    ids: dict[str, int]
    uuids: dict[str, UUID]

    async def labels(self, query: str, *, scoped: bool = True) -> set[str]:
        """Labels of the contacts the query matches; `scoped=False` leaves `c` unscoped, so
        only the compiled SQL's own workspace conditions keep other workspaces out."""
        where, params = parse_query(query, self.env).to_sql(2)
        scope = "c.workspace_id = $1" if scoped else "$1::bigint IS NOT NULL"
        rows = await sql().fetch(
            f"SELECT c.id FROM contact c WHERE {scope} AND {where}", self.id, *params
        )
        by_id = {contact_id: label for label, contact_id in self.ids.items()}
        return {by_id.get(row["id"], f"other workspace #{row['id']}") for row in rows}


async def create_workspace(name: str, people: list[Contact]) -> Workspace:
    workspace_id: int = await sql().fetchval(
        "INSERT INTO workspace (uuid, name, country, timezone) "
        "VALUES ($1, $2, 'US', 'Africa/Kigali') RETURNING id",
        uuid4(),
        name,
    )
    fields = []
    for key, value_type in [
        ("city", FieldType.TEXT),
        ("age", FieldType.NUMBER),
        ("dob", FieldType.DATETIME),
        ("notes", FieldType.TEXT),
    ]:
        field_uuid = uuid4()
        field_id: int = await sql().fetchval(
            "INSERT INTO contact_field (workspace_id, uuid, key, name, value_type) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            workspace_id,
            field_uuid,
            key,
            key.title(),
            value_type.value,
        )
        fields.append(FieldInfo(field_uuid, key, key.title(), value_type, field_id))
    groups = [
        GroupInfo(await _insert_group(workspace_id, name, kind), name, kind)
        for name, kind in [("Testers", GroupKind.MANUAL), ("Adults", GroupKind.SMART)]
    ]
    flag_id: int = await sql().fetchval(
        "INSERT INTO flag (workspace_id, uuid, name) VALUES ($1, $2, 'VIP') RETURNING id",
        workspace_id,
        uuid4(),
    )
    env = QueryEnvironment.build(
        workspace_id=workspace_id,
        country="US",
        timezone=ZoneInfo("Africa/Kigali"),
        date_format=DateFormat.DAY_FIRST,
        fields=fields,
        groups=groups,
        flags=[FlagInfo(flag_id, "VIP")],
    )
    ids, uuids = {}, {}
    for person in people:
        uuids[person.label] = uuid4()
        ids[person.label] = await _insert_contact(env, person, uuids[person.label])
    return Workspace(workspace_id, env, ids, uuids)


async def _insert_group(workspace_id: int, name: str, kind: GroupKind) -> int:
    group_id: int = await sql().fetchval(
        "INSERT INTO contact_group (workspace_id, uuid, name, kind) "
        "VALUES ($1, $2, $3, $4) RETURNING id",
        workspace_id,
        uuid4(),
        name,
        kind.value,
    )
    return group_id


async def _insert_contact(env: QueryEnvironment, person: Contact, uuid: UUID) -> int:
    stored_fields = {
        str(env.fields[key].uuid): value for key, value in (person.fields or {}).items()
    }
    contact_id: int = await sql().fetchval(
        "INSERT INTO contact (workspace_id, uuid, name, language, status, company, job_title, "
        "country, state, fields, created_on, modified_on, last_seen_on) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $11, $12) RETURNING id",
        env.workspace_id,
        uuid,
        person.name,
        person.language,
        person.status,
        person.company,
        person.job_title,
        person.country,
        person.state,
        json.dumps(stored_fields),
        person.created_on,
        person.last_seen_on,
    )
    for priority, (scheme, path) in enumerate(person.urns):
        await sql().execute(
            "INSERT INTO contact_urn (workspace_id, contact_id, scheme, path, priority) "
            "VALUES ($1, $2, $3, $4, $5)",
            env.workspace_id,
            contact_id,
            scheme,
            path,
            len(person.urns) - priority,
        )
    for group in person.groups:
        await sql().execute(
            "INSERT INTO group_contact (workspace_id, group_id, contact_id) VALUES ($1, $2, $3)",
            env.workspace_id,
            env.groups[group.lower()].id,
            contact_id,
        )
    for flag in person.flags:
        await sql().execute(
            "INSERT INTO contact_flag (workspace_id, flag_id, contact_id) VALUES ($1, $2, $3)",
            env.workspace_id,
            env.flags[flag.lower()].id,
            contact_id,
        )
    return contact_id


@pytest.fixture(scope="session")
async def query_workspace(settings: Settings) -> Workspace:
    people = contacts()
    # A look-alike workspace: the same people, addresses and names, which must never match.
    await create_workspace("Query look-alike", people)
    return await create_workspace("Query tests", people)
