"""A type change re-reads the field's values in contact_search (services/fields/readings.py):
inline for a few contacts, else in a job; meanwhile the field is `readings_stale` and queries
on it read `contact.fields`, so their answers are right at every moment."""

from __future__ import annotations

import json
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from core.settings import Settings
from core.sql import Sql, sql
from models.enums import FieldType, JobKind, JobStatus
from services.contacts.filters import ContactFilter
from services.contacts.listing import ContactOrder, count_contacts, list_contacts
from services.contacts.query_env import read_query
from services.dispatch.handlers import HANDLERS
from services.dispatch.runner import run_job
from services.editing import contacts
from services.editing.contacts import ContactPatch
from services.errors import InvalidState
from services.fields import definitions as fields
from services.fields import readings as field_readings
from services.fields.values import FieldDefinition
from services.jobs.context import ChunkOutcome, JobContext, JobHandler, Targets
from services.jobs.control import cancel_job
from services.keyset import PageRequest
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    create_contact,
    create_session,
    data_of,
    define_field,
    gql,
    run_one_chunk,
)
from workers.tasks import sweep_jobs

# Values entered while "age" is a text field; Ed has none.
AGES = {"Ann": "42", "Bob": "abc", "Cy": "7.50", "Di": "100", "Ed": None}
AGES_AS_TEXT = {"Ann": "42", "Bob": "abc", "Cy": "7.50", "Di": "100"}
AGES_AS_NUMBERS = {"Ann": 42, "Bob": None, "Cy": 7.5, "Di": 100}
NUMBER_QUERIES = [
    ("age > 40", ["Ann", "Di"]),
    ("age = 42", ["Ann"]),
    ("age = 7.5", ["Cy"]),
    ("age != 42", ["Bob", "Cy", "Di", "Ed"]),
    ("age >= 7.5 AND age < 50", ["Ann", "Cy"]),
    ('age != ""', ["Ann", "Cy", "Di"]),
    ('age = ""', ["Bob", "Ed"]),
]

# Values entered while "born" is a text field (the workspace reads dates day first, in
# Africa/Kigali, UTC+2).
BIRTHS = {"Ann": "27-01-1990", "Bob": "05-06-2003", "Cy": "soon", "Di": None}
ANN_BORN = int(datetime(1990, 1, 26, 22, tzinfo=UTC).timestamp())
BOB_BORN = int(datetime(2003, 6, 4, 22, tzinfo=UTC).timestamp())
DATE_QUERIES = [
    ("born = 27-01-1990", ["Ann"]),
    ("born < 01-01-2000", ["Ann"]),
    ("born > 01-01-2000", ["Bob"]),
    ("born != 27-01-1990", ["Bob", "Cy", "Di"]),
    ('born != ""', ["Ann", "Bob"]),
    ('born = ""', ["Cy", "Di"]),
]


async def _field_holding(
    name: str, values: dict[str, str | None], value_type: FieldType = FieldType.TEXT
) -> tuple[Session, FieldDefinition]:
    """A new workspace with the field, and a contact per name holding its value (if any)."""
    session = await create_session()
    field = await define_field(session, name, value_type)
    for person, value in values.items():
        held = {name.lower(): value} if value is not None else {}
        await create_contact(session, person, fields=held)
    return session, field


async def _readings(field: FieldDefinition) -> dict[str | None, Any]:
    """Contact name → the field's reading in contact_search, for contacts holding a value."""
    rows = await sql().fetch(
        """
        SELECT c.name, s.readings -> $2::text AS reading FROM contact_search s
        JOIN contact c ON c.id = s.contact_id
        WHERE s.workspace_id = (SELECT workspace_id FROM contact_field WHERE id = $1)
          AND s.readings ? $2::text
        ORDER BY c.name
        """,
        field.id,
        str(field.id),
    )
    return {r["name"]: json.loads(r["reading"]) for r in rows}


async def _field_state(field: FieldDefinition) -> tuple[str, bool]:
    row = await sql().fetchrow(
        "SELECT value_type, readings_stale FROM contact_field WHERE id = $1", field.id
    )
    assert row is not None
    return row["value_type"], row["readings_stale"]


async def _uuid_of(session: Session, name: str) -> uuidlib.UUID:
    value = await sql().fetchval(
        "SELECT uuid FROM contact WHERE workspace_id = $1 AND name = $2",
        session.workspace.id,
        name,
    )
    assert value is not None
    return uuidlib.UUID(str(value))


async def _reread_jobs(session: Session) -> list[tuple[dict[str, Any], str]]:
    rows = await sql().fetch(
        "SELECT params, status FROM job WHERE workspace_id = $1 AND kind = $2 ORDER BY id",
        session.workspace.id,
        JobKind.REREAD_FIELD_VALUES.value,
    )
    return [(json.loads(r["params"]), r["status"]) for r in rows]


async def _job_status(job_uuid: uuidlib.UUID | None) -> str:
    assert job_uuid is not None
    status: str = await sql().fetchval("SELECT status FROM job WHERE uuid = $1", job_uuid)
    return status


async def _matches(session: Session, query: str) -> list[str | None]:
    """Names of the contacts the query matches, checked against the count of them."""
    parsed = await read_query(session.workspace, query)
    flt = ContactFilter(query=parsed)
    page = await list_contacts(
        session.caller,
        flt,
        order=ContactOrder.NAME,
        descending=False,
        page=PageRequest(first=100),
    )
    names = [c.name for c in page.items]
    assert await count_contacts(session.caller, flt) == len(names), query
    return names


async def _assert_queries(session: Session, queries: list[tuple[str, list[str]]]) -> None:
    answers = {query: await _matches(session, query) for query, _ in queries}
    assert answers == dict(queries)


async def _reads_search_only(session: Session, query: str) -> bool:
    return (await read_query(session.workspace, query)).reads_search_only


# --- inline ------------------------------------------------------------------------------------


async def test_a_small_field_is_read_as_its_new_type_at_once() -> None:
    session, age = await _field_holding("Age", AGES)
    assert await _readings(age) == {"Ann": "42", "Bob": "abc", "Cy": "7.50", "Di": "100"}
    assert await _matches(session, "age = abc") == ["Bob"]

    report = await fields.change_field_type(session.caller, "age", FieldType.NUMBER)

    assert (report.applied, report.job_uuid) == (True, None)
    assert (report.converted, report.not_converted) == (3, 1)
    assert report.field.value_type is FieldType.NUMBER
    assert await _field_state(age) == ("number", False)
    assert await _reread_jobs(session) == []
    assert await _readings(age) == AGES_AS_NUMBERS
    assert await _reads_search_only(session, "age > 40")
    await _assert_queries(session, NUMBER_QUERIES)

    # And back: text readings again, folded.
    back = await fields.change_field_type(session.caller, "age", FieldType.TEXT)
    assert (back.job_uuid, back.converted, back.not_converted) == (None, 4, 0)
    assert await _readings(age) == AGES_AS_TEXT
    assert await _matches(session, "age = abc") == ["Bob"]
    assert await _matches(session, 'age = ""') == ["Ed"]


async def test_an_inline_change_reads_dates_in_the_workspace_format() -> None:
    session, born = await _field_holding("Born", BIRTHS)
    report = await fields.change_field_type(session.caller, "born", FieldType.DATETIME)
    assert (report.job_uuid, report.converted, report.not_converted) == (None, 2, 1)
    assert await _readings(born) == {"Ann": ANN_BORN, "Bob": BOB_BORN, "Cy": None}
    assert await _field_state(born) == ("datetime", False)
    await _assert_queries(session, DATE_QUERIES)


# --- in a job ----------------------------------------------------------------------------------


async def test_a_large_field_is_read_again_in_a_job_and_queries_stay_right_meanwhile(
    monkeypatch: pytest.MonkeyPatch, run_worker: RunWorker
) -> None:
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 2)
    session, age = await _field_holding("Age", AGES)

    report = await fields.change_field_type(session.caller, "age", FieldType.NUMBER)

    assert report.applied and report.job_uuid is not None
    assert (report.converted, report.not_converted) == (3, 1)
    assert await _field_state(age) == ("number", True)
    assert await _reread_jobs(session) == [({"field_id": age.id, "value_type": "number"}, "queued")]
    progress_total = await sql().fetchval(
        "SELECT progress_total FROM job WHERE uuid = $1", report.job_uuid
    )
    assert progress_total == len(AGES)
    # Nothing re-read yet: the readings are still text, so queries read the stored values.
    assert await _readings(age) == AGES_AS_TEXT
    assert not await _reads_search_only(session, "age > 40")
    await _assert_queries(session, NUMBER_QUERIES)

    # Half-way through (Ann and Bob re-read) the answers are the same.
    assert await run_one_chunk(str(report.job_uuid), chunk_size=2) is None
    assert await _readings(age) == {"Ann": 42, "Bob": None, "Cy": "7.50", "Di": "100"}
    assert await _field_state(age) == ("number", True)
    await _assert_queries(session, NUMBER_QUERIES)

    # A value written meanwhile is read as the new type by the trigger.
    await create_contact(session, "Fay", fields={"age": "55"})
    ed = await _uuid_of(session, "Ed")
    await contacts.update_contact(session.caller, ed, ContactPatch(fields={"age": "3"}))
    with_fay = [
        ("age > 40", ["Ann", "Di", "Fay"]),
        ("age < 10", ["Cy", "Ed"]),
        ('age = ""', ["Bob"]),
    ]
    await _assert_queries(session, with_fay)

    await run_worker(job_chunk_size=2)

    assert await _job_status(report.job_uuid) == JobStatus.SUCCEEDED.value
    assert await _field_state(age) == ("number", False)
    assert await _readings(age) == {**AGES_AS_NUMBERS, "Ed": 3, "Fay": 55}
    assert await _reads_search_only(session, "age > 40")
    await _assert_queries(session, with_fay)


async def test_a_job_reads_dates_when_a_text_field_becomes_a_datetime_field(
    monkeypatch: pytest.MonkeyPatch, run_worker: RunWorker
) -> None:
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 2)
    session, born = await _field_holding("Born", BIRTHS)

    report = await fields.change_field_type(session.caller, "born", FieldType.DATETIME)

    assert report.job_uuid is not None
    assert (report.converted, report.not_converted) == (2, 1)
    assert await _field_state(born) == ("datetime", True)
    assert await _readings(born) == {"Ann": "27-01-1990", "Bob": "05-06-2003", "Cy": "soon"}
    await _assert_queries(session, DATE_QUERIES)

    await run_worker()

    assert await _job_status(report.job_uuid) == JobStatus.SUCCEEDED.value
    assert await _field_state(born) == ("datetime", False)
    assert await _readings(born) == {"Ann": ANN_BORN, "Bob": BOB_BORN, "Cy": None}
    assert await _reads_search_only(session, "born < 01-01-2000")
    await _assert_queries(session, DATE_QUERIES)


async def test_a_number_field_becoming_a_datetime_field_reads_no_dates_from_numbers(
    monkeypatch: pytest.MonkeyPatch, run_worker: RunWorker
) -> None:
    session, born = await _field_holding("Born", {"Ann": "1990", "Bob": "12", "Cy": "27-01-1990"})
    await fields.change_field_type(session.caller, "born", FieldType.NUMBER)
    assert await _readings(born) == {"Ann": 1990, "Bob": 12, "Cy": None}
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 1)

    report = await fields.change_field_type(session.caller, "born", FieldType.DATETIME)

    assert report.job_uuid is not None
    assert (report.converted, report.not_converted) == (1, 2)
    dates = [("born = 27-01-1990", ["Cy"]), ('born != ""', ["Cy"]), ("born > 01-01-1980", ["Cy"])]
    await _assert_queries(session, dates)
    await run_worker()
    assert await _field_state(born) == ("datetime", False)
    assert await _readings(born) == {"Ann": None, "Bob": None, "Cy": ANN_BORN}
    await _assert_queries(session, dates)


async def test_a_job_for_an_earlier_type_does_not_end_the_staleness_of_a_later_change(
    monkeypatch: pytest.MonkeyPatch, run_worker: RunWorker
) -> None:
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 2)
    values = {"Ann": "27-01-1990", "Bob": "42", "Cy": "abc", "Di": None}
    session, score = await _field_holding("Score", values)

    first = await fields.change_field_type(session.caller, "score", FieldType.NUMBER)
    second = await fields.change_field_type(session.caller, "score", FieldType.DATETIME)
    assert first.job_uuid is not None and second.job_uuid is not None
    assert first.job_uuid != second.job_uuid
    assert (second.converted, second.not_converted) == (1, 2)
    assert await _reread_jobs(session) == [
        ({"field_id": score.id, "value_type": "number"}, "queued"),
        ({"field_id": score.id, "value_type": "datetime"}, "queued"),
    ]
    dates = [
        ("score = 27-01-1990", ["Ann"]),
        ('score != ""', ["Ann"]),
        ('score = ""', ["Bob", "Cy", "Di"]),
    ]
    await _assert_queries(session, dates)

    # The first job runs to its end (reading as the current type) but may not declare the
    # readings fresh: it was started for "number".
    assert await run_job(str(first.job_uuid), chunk_size=2) is JobStatus.SUCCEEDED
    assert await _field_state(score) == ("datetime", True)
    await _assert_queries(session, dates)

    await run_worker(job_chunk_size=2)

    assert await _job_status(second.job_uuid) == JobStatus.SUCCEEDED.value
    assert await _field_state(score) == ("datetime", False)
    assert await _readings(score) == {"Ann": ANN_BORN, "Bob": None, "Cy": None}
    await _assert_queries(session, dates)


async def _failing_chunk(tx: Sql, job: JobContext, ids: list[int]) -> ChunkOutcome:
    raise RuntimeError("the database went away")


async def test_a_field_a_failed_job_left_stale_is_read_again_by_a_later_job(
    monkeypatch: pytest.MonkeyPatch, run_worker: RunWorker, settings: Settings
) -> None:
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 2)
    session, age = await _field_holding("Age", AGES)
    report = await fields.change_field_type(session.caller, "age", FieldType.NUMBER)
    assert report.job_uuid is not None
    with monkeypatch.context() as broken:
        failing = JobHandler(_failing_chunk, targets=Targets.WORKSPACE)
        broken.setitem(HANDLERS, JobKind.REREAD_FIELD_VALUES, failing)
        assert await run_job(str(report.job_uuid), chunk_size=2) is JobStatus.FAILED
    assert await _field_state(age) == ("number", True)
    await _assert_queries(session, NUMBER_QUERIES)

    # Not straight after the failure: the sweep waits before trying again.
    sweep = {"settings": settings.model_copy(update={"job_sweep_seconds": 0})}
    await sweep_jobs(sweep)
    assert await _reread_jobs(session) == [({"field_id": age.id, "value_type": "number"}, "failed")]

    await sql().execute(
        "UPDATE job SET finished_on = now() - $2::interval WHERE uuid = $1",
        report.job_uuid,
        field_readings.RETRY_FAILED_REREAD_AFTER + timedelta(minutes=1),
    )
    assert await sweep_jobs(sweep) >= 1
    await sweep_jobs(sweep)  # one new job for the field, not one per sweep
    jobs = await _reread_jobs(session)
    assert jobs == [
        ({"field_id": age.id, "value_type": "number"}, "failed"),
        ({"field_id": age.id, "value_type": "number"}, "queued"),
    ]
    started_by = await sql().fetchval(
        "SELECT created_by_id FROM job WHERE workspace_id = $1 AND status = 'queued'",
        session.workspace.id,
    )
    assert started_by is None

    await run_worker(job_chunk_size=2)

    assert [status for _, status in await _reread_jobs(session)] == ["failed", "succeeded"]
    assert await _field_state(age) == ("number", False)
    assert await _readings(age) == AGES_AS_NUMBERS
    await _assert_queries(session, NUMBER_QUERIES)
    await sweep_jobs(sweep)
    assert len(await _reread_jobs(session)) == 2


async def test_a_small_change_ends_the_staleness_a_running_job_left(
    monkeypatch: pytest.MonkeyPatch, run_worker: RunWorker
) -> None:
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 2)
    session, age = await _field_holding("Age", AGES)
    first = await fields.change_field_type(session.caller, "age", FieldType.NUMBER)
    assert first.job_uuid is not None
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 1000)
    back = await fields.change_field_type(session.caller, "age", FieldType.TEXT)
    assert back.job_uuid is None
    assert await _field_state(age) == ("text", False)
    assert await _readings(age) == AGES_AS_TEXT
    await run_worker()
    assert await _job_status(first.job_uuid) == JobStatus.SUCCEEDED.value
    assert await _field_state(age) == ("text", False)
    assert await _readings(age) == AGES_AS_TEXT


async def test_a_type_changed_away_and_back_stays_stale_until_the_latest_job_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 2)
    values = {"Ann": "27-01-1990", "Bob": "42", "Cy": "7", "Di": "8"}
    session, score = await _field_holding("Score", values)
    first = await fields.change_field_type(session.caller, "score", FieldType.NUMBER)
    await fields.change_field_type(session.caller, "score", FieldType.DATETIME)
    assert first.job_uuid is not None
    # The first job re-reads Ann and Bob while the field is a datetime field...
    assert await run_one_chunk(str(first.job_uuid), chunk_size=2) is None
    # ...then the field is a number field again, and the first job ends.
    third = await fields.change_field_type(session.caller, "score", FieldType.NUMBER)
    assert third.job_uuid is not None
    assert await run_job(str(first.job_uuid), chunk_size=2) is JobStatus.SUCCEEDED
    # The third job has not run: Ann's and Bob's readings are still those of a date.
    assert await _readings(score) == {"Ann": ANN_BORN, "Bob": None, "Cy": 7, "Di": 8}
    # So queries must still read the stored values.
    await _assert_queries(session, [("score = 42", ["Bob"]), ("score > 1000", [])])
    assert await _field_state(score) == ("number", True)


# --- dry runs ----------------------------------------------------------------------------------


async def test_a_dry_run_counts_and_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 1)
    session, age = await _field_holding("Age", AGES)

    as_number = await fields.change_field_type(
        session.caller, "age", FieldType.NUMBER, dry_run=True
    )
    as_date = await fields.change_field_type(
        session.caller, "age", FieldType.DATETIME, dry_run=True
    )
    same = await fields.change_field_type(session.caller, "age", FieldType.TEXT)

    assert (as_number.applied, as_number.job_uuid) == (False, None)
    assert (as_number.converted, as_number.not_converted) == (3, 1)
    assert as_number.field.value_type is FieldType.TEXT
    assert (as_date.applied, as_date.job_uuid, as_date.converted, as_date.not_converted) == (
        False,
        None,
        0,
        4,
    )
    assert (same.applied, same.job_uuid, same.converted, same.not_converted) == (
        False,
        None,
        4,
        0,
    )
    assert await _field_state(age) == ("text", False)
    assert await _reread_jobs(session) == []
    assert await _readings(age) == AGES_AS_TEXT
    assert await _matches(session, "age = abc") == ["Bob"]


# --- the API -----------------------------------------------------------------------------------

CHANGE_TYPE = """
mutation($key: String!, $type: FieldValueType!) {
  changeFieldType(key: $key, valueType: $type, dryRun: false) {
    __typename ... on FieldTypeChanged { converted notConverted job { kind status } }
  }
}
"""
CONTACT_COUNT = '{ field(key: "age") { valueType usages { contactCount } } }'


async def test_the_api_returns_the_job_and_counts_values_of_the_new_type_meanwhile(
    monkeypatch: pytest.MonkeyPatch, client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session, _ = await _field_holding("Age", AGES)

    def count_of(body: dict[str, Any]) -> tuple[str, int]:
        found = data_of(body)["field"]
        return found["valueType"], found["usages"]["contactCount"]

    assert count_of(await gql(client, session, CONTACT_COUNT)) == ("TEXT", 4)

    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 2)
    changed = data_of(await gql(client, session, CHANGE_TYPE, {"key": "age", "type": "NUMBER"}))
    assert changed["changeFieldType"] == {
        "__typename": "FieldTypeChanged",
        "converted": 3,
        "notConverted": 1,
        "job": {"kind": "REREAD_FIELD_VALUES", "status": "QUEUED"},
    }
    assert count_of(await gql(client, session, CONTACT_COUNT)) == ("NUMBER", 3)
    await run_worker()
    assert count_of(await gql(client, session, CONTACT_COUNT)) == ("NUMBER", 3)

    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 1000)
    back = data_of(await gql(client, session, CHANGE_TYPE, {"key": "age", "type": "TEXT"}))
    assert back["changeFieldType"]["job"] is None
    assert count_of(await gql(client, session, CONTACT_COUNT)) == ("TEXT", 4)


async def test_the_reread_job_cannot_be_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancelled halfway, it would leave the field's searches on the slow path for good."""
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 2)
    session, _ = await _field_holding("Age", AGES)
    report = await fields.change_field_type(session.caller, "age", FieldType.NUMBER)
    assert report.job_uuid is not None
    with pytest.raises(InvalidState, match="can't be cancelled"):
        await cancel_job(session.caller, report.job_uuid)


async def test_text_conditions_on_a_field_becoming_text_read_the_stored_values_meanwhile(
    monkeypatch: pytest.MonkeyPatch, run_worker: RunWorker
) -> None:
    values = {"Ann": "42", "Bob": "7.50", "Cy": None}
    session, age = await _field_holding("Age", values, FieldType.NUMBER)
    monkeypatch.setattr(field_readings, "INLINE_REREAD_LIMIT", 1)

    report = await fields.change_field_type(session.caller, "age", FieldType.TEXT)

    assert report.job_uuid is not None
    texts = [("age = 42", ["Ann"]), ("age = 7.50", ["Bob"]), ("age != 42", ["Bob", "Cy"])]
    await _assert_queries(session, texts)
    await run_worker()
    assert await _field_state(age) == ("text", False)
    await _assert_queries(session, texts)
