"""contact_search follows every contact: created, fields changed, status changed, a field
deleted, the contact deleted; counts read from it alone agree with counts over contacts."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import pytest

from core.sql import sql
from models.enums import ContactStatus, FieldType
from services.contacts.filters import ContactFilter
from services.contacts.listing import count_contacts
from services.contacts.query_env import read_query
from services.editing import contacts
from services.editing.contacts import ContactPatch
from services.fields import definitions as fields
from tests.factories import Session, create_contact, create_session


async def _row(contact_id: int) -> dict[str, Any] | None:
    row = await sql().fetchrow(
        "SELECT workspace_id, status, readings::text AS readings "
        "FROM contact_search WHERE contact_id = $1",
        contact_id,
    )
    return dict(row) if row is not None else None


async def _fields(session: Session) -> dict[str, int]:
    made = {}
    for name, kind in (("City", FieldType.TEXT), ("Age", FieldType.NUMBER)):
        made[name.lower()] = (
            await fields.create_field(session.caller, name=name, value_type=kind)
        ).id
    made["born"] = (
        await fields.create_field(session.caller, name="Born", value_type=FieldType.DATETIME)
    ).id
    return made


async def test_a_contact_gets_its_row_and_keeps_it_up_to_date() -> None:
    session = await create_session()
    ids = await _fields(session)
    ann = await create_contact(
        session, "Ann", fields={"city": " Kigali ", "age": "42.50", "born": "27-01-1990"}
    )
    city, age, born = ids["city"], ids["age"], ids["born"]

    row = await _row(ann.id)
    assert row is not None
    assert (row["workspace_id"], row["status"]) == (session.workspace.id, "active")
    # Kigali time is UTC+2: the day starts at 22:00 UTC the evening before.
    born_at = 633391200  # 1990-01-26T22:00:00Z
    assert json.loads(row["readings"]) == {str(city): "kigali", str(age): 42.5, str(born): born_at}

    await contacts.update_contact(
        session.caller, ann.uuid, ContactPatch(fields={"city": None, "age": "7"})
    )
    row = await _row(ann.id)
    assert row is not None
    assert json.loads(row["readings"]) == {str(age): 7, str(born): born_at}

    await contacts.update_contact(
        session.caller, ann.uuid, ContactPatch(status=ContactStatus.ARCHIVED)
    )
    assert (await _row(ann.id) or {})["status"] == "archived"

    await fields.delete_field(session.caller, "age")
    row = await _row(ann.id)
    assert row is not None
    assert json.loads(row["readings"]) == {str(born): born_at}

    await contacts.delete_contact(session.caller, ann.uuid)
    assert await _row(ann.id) is None


async def test_contacts_without_values_have_an_empty_row() -> None:
    session = await create_session()
    bob = await create_contact(session, "Bob")
    assert await _row(bob.id) == {
        "workspace_id": session.workspace.id,
        "status": "active",
        "readings": "{}",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("city = kigali", 3),
        ("city = kigali AND age > 40", 2),
        ("city != kigali", 2),
        ('age = ""', 2),
        ('born != ""', 2),
        ("age >= 18 OR city = huye", 4),
        ("born < 01-01-2000 AND status = active", 1),
        ("status = archived", 1),
    ],
)
async def test_counts_from_the_search_table_match_counts_over_contacts(
    query: str, expected: int
) -> None:
    session = await create_session()
    await _fields(session)
    people = [
        ("Ann", {"city": "Kigali", "age": "50", "born": "27-01-1990"}, ContactStatus.ACTIVE),
        ("Bob", {"city": "kigali", "age": "30"}, ContactStatus.ACTIVE),
        ("Cy", {"city": "Huye", "born": "01-05-2003"}, ContactStatus.ARCHIVED),
        ("Di", {}, ContactStatus.ACTIVE),
        ("Ed", {"age": "41", "city": "KIGALI "}, ContactStatus.BLOCKED),
    ]
    for name, values, status in people:
        await create_contact(session, name, fields=values, status=status)
    parsed = await read_query(session.workspace, query)
    assert parsed.reads_search_only
    narrow = await count_contacts(session.caller, ContactFilter(query=parsed))
    # A flag filter (matching everyone) sends the same count through the contact rows.
    await sql().execute(
        "INSERT INTO flag (workspace_id, uuid, name) VALUES ($1, gen_random_uuid(), 'All')",
        session.workspace.id,
    )
    flag_id = await sql().fetchval(
        "SELECT id FROM flag WHERE workspace_id = $1", session.workspace.id
    )
    await sql().execute(
        "INSERT INTO contact_flag (workspace_id, flag_id, contact_id) "
        "SELECT workspace_id, $2, id FROM contact WHERE workspace_id = $1",
        session.workspace.id,
        flag_id,
    )
    wide = await count_contacts(session.caller, ContactFilter(query=parsed, any_flag_ids=[flag_id]))
    assert (narrow, wide) == (expected, expected)


async def test_search_rows_go_with_their_workspace() -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    await sql().execute("DELETE FROM workspace WHERE id = $1", session.workspace.id)
    left = await sql().fetchval(
        "SELECT count(*) FROM contact_search WHERE workspace_id = $1", session.workspace.id
    )
    assert left == 0


async def test_an_address_stays_in_its_contacts_workspace() -> None:
    session = await create_session()
    other = await create_session()
    ann = await create_contact(session, "Ann")
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await sql().execute(
            "INSERT INTO contact_urn (workspace_id, contact_id, scheme, path, priority) "
            "VALUES ($1, $2, 'tel', '+250788000101', 1)",
            other.workspace.id,
            ann.id,
        )
