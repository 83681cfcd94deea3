"""New contacts' search readings come from the rows as they were read (the database reads a
row's values itself where Python cannot promise its spelling, and for a whole chunk when a
field changed type after the preview): either way they equal what the database computes."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.sql import sql
from models.enums import DateFormat, FieldType
from services.fields import definitions as fields
from services.fields.values import FieldDefinition, read_value
from services.imports.row_readings import reading_entry
from tests.conftest import RunWorker
from tests.factories import Session, create_session
from tests.services.imports.support import add_field, commit, validate

FILE = (
    "name,phone,Field:City,Field:Age,Field:Joined\n"
    "Ann,0788000101,Kigali ,42,27-01-2020\n"
    "Ben,0788000102,ZÜRICH,12.50,01-05-2003 14:30\n"
    "Cy,0788000103,,-0.000001,\n"
    "Di,0788000104,İstanbul,123456789012345678901234,31-12-1969 23:59\n"
    "Ed,0788000105,,,\n"
)


async def _fields(session: Session) -> None:
    await add_field(session, "City")
    await add_field(session, "Age", FieldType.NUMBER)
    await add_field(session, "Joined", FieldType.DATETIME)


async def _readings_disagreeing(session: Session) -> int:
    """Contacts whose search readings differ from the database's own reading of them."""
    return int(
        await sql().fetchval(
            """
            SELECT count(*) FROM contact c
            LEFT JOIN contact_search s ON s.contact_id = c.id
            WHERE c.workspace_id = $1
              AND s.readings IS DISTINCT FROM contact_search_readings(c.workspace_id, c.fields)
            """,
            session.workspace.id,
        )
    )


async def test_staged_readings_are_the_database_readings(run_worker: RunWorker) -> None:
    session = await create_session()
    await _fields(session)
    record = await validate(session, run_worker, FILE)
    staged = await sql().fetch(
        "SELECT name, readings::text AS readings FROM import_row WHERE import_id = $1 "
        "ORDER BY row_number",
        record.id,
    )
    # Names beyond ASCII are left to the database; the others are read already.
    assert [(r["name"], r["readings"] is None) for r in staged] == [
        ("Ann", False), ("Ben", True), ("Cy", False), ("Di", True), ("Ed", False),
    ]  # fmt: skip
    assert json.loads(staged[4]["readings"]) == {}

    done = await commit(session, run_worker, record)

    assert done.counts.created == 5
    assert await _readings_disagreeing(session) == 0


async def test_a_type_changed_after_the_preview_is_read_by_the_database(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await _fields(session)
    record = await validate(session, run_worker, FILE)
    await fields.change_field_type(session.caller, "age", FieldType.TEXT)

    await commit(session, run_worker, record)

    assert await _readings_disagreeing(session) == 0
    age = await sql().fetchval(
        "SELECT s.readings -> f.id::text FROM contact_search s "
        "JOIN contact c ON c.id = s.contact_id "
        "JOIN contact_field f ON f.workspace_id = c.workspace_id AND f.key = 'age' "
        "WHERE c.workspace_id = $1 AND c.name = 'Ben'",
        session.workspace.id,
    )
    assert json.loads(age) == "12.50"


async def test_an_import_creating_a_field_leaves_its_readings_to_the_database(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    text = "name,phone,Field:Plan\nAnn,0788000101,Gold\n"
    record = await validate(session, run_worker, text, create_unknown_fields=True)

    await commit(session, run_worker, record)

    assert await _readings_disagreeing(session) == 0


@pytest.mark.parametrize(
    ("value_type", "text"),
    [
        (FieldType.TEXT, "  Kigali  "),
        (FieldType.TEXT, "x" * 140),
        (FieldType.TEXT, 'quote " and \\ back\tslash'),
        (FieldType.TEXT, "42"),
        (FieldType.NUMBER, "42"),
        (FieldType.NUMBER, "-12.500"),
        (FieldType.NUMBER, "0.0000001"),
        (FieldType.NUMBER, "1000000000000000000000"),
        (FieldType.NUMBER, "12345678901234.5"),
        (FieldType.DATETIME, "27-01-2020"),
        (FieldType.DATETIME, "01-05-2003 14:30"),
        (FieldType.DATETIME, "01-01-1901"),
        (FieldType.TEXT, "27-01-2020"),
        (FieldType.NUMBER, "27-01-2020"),
    ],
)
async def test_a_reading_is_spelled_as_the_database_spells_it(
    value_type: FieldType, text: str
) -> None:
    def stored_as(kind: FieldType) -> dict[str, Any]:
        field = FieldDefinition(7, "", "f", "F", kind, False, None)
        return read_value(
            text, field=field, date_format=DateFormat.DAY_FIRST, tz=ZoneInfo("Africa/Kigali")
        )

    try:
        stored = stored_as(value_type)
    except Exception:  # a value the field's type refuses: read it as text, keep its type
        stored = stored_as(FieldType.TEXT)
    entry = reading_entry(FieldDefinition(7, "", "f", "F", value_type, False, None), stored)
    assert entry is not None
    same = await sql().fetchval(
        "SELECT $1::jsonb = jsonb_build_object('7', field_reading($2::jsonb, $3))",
        "{" + entry + "}",
        json.dumps(stored),
        value_type.value,
    )
    assert same, entry
