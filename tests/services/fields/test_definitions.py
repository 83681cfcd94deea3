"""services.fields and friends: field rules below the API (limits, races, storage, usages)."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.sql import sql
from models.enums import DateFormat, FieldType, Permission, Role
from services.editing import contacts
from services.editing.contacts import ContactPatch
from services.errors import InvalidInput, LimitReached, NotFound, PermissionDenied
from services.fields import definitions as fields
from services.fields import usage_registry as field_usage_registry
from services.fields.rules import MAX_FIELDS, check_field_key, key_from_name
from services.fields.values import FieldDefinition, read_value, typed_value
from services.groups import definitions as groups
from tests.factories import (
    Session,
    create_contact,
    create_session,
    define_field,
    workspace_snapshot,
)


async def stored_values(session: Session) -> dict[str | None, dict[str, Any]]:
    """Contact name → its raw `fields` JSON, keyed by field key instead of field UUID."""
    keys = {
        str(r["uuid"]): r["key"]
        for r in await sql().fetch(
            "SELECT uuid, key FROM contact_field WHERE workspace_id = $1", session.workspace.id
        )
    }
    rows = await sql().fetch(
        "SELECT name, fields FROM contact WHERE workspace_id = $1 ORDER BY id",
        session.workspace.id,
    )
    return {
        r["name"]: {keys.get(k, k): v for k, v in json.loads(r["fields"]).items()} for r in rows
    }


async def field_rows(session: Session) -> list[tuple[str, bool, int | None]]:
    rows = await sql().fetch(
        "SELECT key, featured, position FROM contact_field WHERE workspace_id = $1 "
        "ORDER BY featured DESC, position, key",
        session.workspace.id,
    )
    return [(r["key"], r["featured"], r["position"]) for r in rows]


# --- the limit ----------------------------------------------------------------------------------


async def test_the_251st_field_is_refused() -> None:
    session = await create_session()
    for i in range(MAX_FIELDS):
        await fields.create_field(session.caller, name=f"F{i}", value_type=FieldType.TEXT)
    with pytest.raises(LimitReached) as caught:
        await fields.create_field(session.caller, name="One Too Many", value_type=FieldType.TEXT)
    assert (caught.value.message, caught.value.field) == (
        "A workspace can have at most 250 fields; delete one you no longer use first.",
        "name",
    )
    assert len(await fields.list_fields(session.workspace.id)) == MAX_FIELDS
    # Deleting one makes room for exactly one more.
    await fields.delete_field(session.caller, "f0")
    await fields.create_field(session.caller, name="Replacement", value_type=FieldType.TEXT)
    with pytest.raises(LimitReached):
        await fields.create_field(session.caller, name="Another", value_type=FieldType.TEXT)


async def test_racing_creates_at_the_limit_make_exactly_one_field() -> None:
    session = await create_session()
    await sql().execute(
        """
        INSERT INTO contact_field (workspace_id, uuid, key, name, value_type, featured)
        SELECT $1, gen_random_uuid(), 'f' || i, 'F' || i, 'text', false
        FROM generate_series(1, $2) AS i
        """,
        session.workspace.id,
        MAX_FIELDS - 1,
    )
    results = await asyncio.gather(
        *(
            fields.create_field(session.caller, name=f"Racer {i}", value_type=FieldType.TEXT)
            for i in range(3)
        ),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 2 and all(isinstance(r, LimitReached) for r in refused), results
    assert len(await fields.list_fields(session.workspace.id)) == MAX_FIELDS


async def test_racing_featurings_get_distinct_positions() -> None:
    session = await create_session()
    for i in range(5):
        await define_field(session, f"F{i}")
    await asyncio.gather(
        *(fields.update_field(session.caller, f"f{i}", featured=True) for i in range(5))
    )
    positions = [p for _, _, p in await field_rows(session)]
    assert sorted(p or 0 for p in positions) == [1, 2, 3, 4, 5]


# --- keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Registration Date", "registration_date"),
        ("  Home   Town  ", "home_town"),
        ("e-mail 2", "e_mail_2"),
        ("X" * 36, "x" * 36),
    ],
)
def test_keys_derive_from_names(name: str, key: str) -> None:
    assert check_field_key(key_from_name(name)) == key


async def test_a_given_key_is_read_in_lowercase() -> None:
    session = await create_session()
    created = await define_field(session, "Plan", key=" Plan_Code ")
    assert created.key == "plan_code"
    assert (await fields.get_field(session.workspace.id, "PLAN_CODE")) == created


# --- permissions -------------------------------------------------------------------------------


async def test_viewers_and_members_without_manage_fields_cannot_define_fields() -> None:
    admin = await create_session()
    await define_field(admin, "Age", FieldType.NUMBER)
    viewer = await create_session(admin.workspace, role=Role.VIEWER)
    limited = await create_session(admin.workspace, role=Role.EDITOR)
    limited.caller.member.disabled_permissions = [Permission.MANAGE_FIELDS.value]
    before = await workspace_snapshot(admin.workspace)
    for session in (viewer, limited):
        caller = session.caller
        for attempt in (
            fields.create_field(caller, name="Town", value_type=FieldType.TEXT),
            fields.update_field(caller, "age", featured=True),
            fields.reorder_featured(caller, ["age"]),
            fields.change_field_type(caller, "age", FieldType.TEXT),
            fields.delete_field(caller, "age", acknowledge_usages=True),
        ):
            with pytest.raises(PermissionDenied):
                await attempt
    assert await workspace_snapshot(admin.workspace) == before


# --- featured order ----------------------------------------------------------------------------


async def test_deleting_a_featured_field_keeps_the_others_in_order() -> None:
    session = await create_session()
    for name in ("A1", "B1", "C1"):
        await define_field(session, name, featured=True)
    await fields.delete_field(session.caller, "b1")
    await define_field(session, "D1", featured=True)
    featured = await fields.list_fields(session.workspace.id, featured=True)
    assert [f.key for f in featured] == ["a1", "c1", "d1"]


async def test_updating_featured_to_its_current_value_keeps_the_position() -> None:
    session = await create_session()
    for name in ("A1", "B1"):
        await define_field(session, name, featured=True)
    await fields.update_field(session.caller, "a1", featured=True, name="A One")
    assert await field_rows(session) == [("a1", True, 1), ("b1", True, 2)]


# --- values ------------------------------------------------------------------------------------


def definition(value_type: FieldType) -> FieldDefinition:
    return FieldDefinition(
        id=1, uuid="u", key="v", name="V", value_type=value_type, featured=False, position=None
    )


KIGALI = ZoneInfo("Africa/Kigali")


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("42", {"text": "42", "number": 42}),
        (" -0.50 ", {"text": "-0.50", "number": -0.5}),
        ("kigali", {"text": "kigali"}),
        ("27-01-2020", {"text": "27-01-2020", "datetime": "2020-01-26T22:00:00.000000Z"}),
        (
            "2020-01-27T10:30:00+02:00",
            {"text": "2020-01-27T10:30:00+02:00", "datetime": "2020-01-27T08:30:00.000000Z"},
        ),
    ],
)
def test_every_reading_is_kept_beside_what_was_entered(text: str, stored: dict[str, Any]) -> None:
    value = read_value(
        text, field=definition(FieldType.TEXT), date_format=DateFormat.DAY_FIRST, tz=KIGALI
    )
    assert value == stored


def test_a_reading_counts_only_for_its_type() -> None:
    stored = {"text": "42", "number": 42}
    assert typed_value(stored, FieldType.NUMBER) == 42
    assert typed_value(stored, FieldType.DATETIME) is None
    assert typed_value(stored, FieldType.TEXT) == "42"
    assert typed_value(None, FieldType.TEXT) is None


@pytest.mark.parametrize(
    ("value_type", "text", "start"),
    [
        (FieldType.NUMBER, "forty", '"forty" is not a number for field V: '),
        (FieldType.NUMBER, "1e10", '"1e10" is not a number for field V: '),
        (FieldType.DATETIME, "32-01-2020", '"32-01-2020" is not a date for field V: '),
    ],
)
def test_a_value_that_does_not_fit_the_type_names_field_value_and_reason(
    value_type: FieldType, text: str, start: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_value(text, field=definition(value_type), date_format=DateFormat.DAY_FIRST, tz=KIGALI)
    assert caught.value.field == "fields.v"
    assert caught.value.message.startswith(start)
    assert caught.value.message.endswith(".")
    assert len(caught.value.message) > len(start) + 5


def test_a_value_longer_than_640_characters_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_value(
            "x" * 641,
            field=definition(FieldType.TEXT),
            date_format=DateFormat.DAY_FIRST,
            tz=KIGALI,
        )
    assert caught.value.message == "The value for field V is 641 characters long; the limit is 640."


async def test_type_changes_never_touch_the_stored_values() -> None:
    session = await create_session()
    await define_field(session, "Score")
    await create_contact(session, "A", fields={"score": "42"})
    await create_contact(session, "B", fields={"score": "forty"})
    before = await stored_values(session)
    assert before == {
        "A": {"score": {"text": "42", "number": 42}},
        "B": {"score": {"text": "forty"}},
    }
    report = await fields.change_field_type(session.caller, "score", FieldType.NUMBER)
    assert (report.converted, report.not_converted, report.applied) == (1, 1, True)
    assert await stored_values(session) == before
    same = await fields.change_field_type(session.caller, "score", FieldType.NUMBER)
    assert same.applied is False
    await fields.change_field_type(session.caller, "score", FieldType.TEXT)
    assert await stored_values(session) == before


async def test_a_value_entered_while_number_is_kept_as_text_after_changing_back() -> None:
    session = await create_session()
    await define_field(session, "Score", FieldType.NUMBER)
    ann = await create_contact(session, "Ann", fields={"score": "007"})
    await fields.change_field_type(session.caller, "score", FieldType.TEXT)
    updated = await contacts.get_contact(session.caller, ann.uuid)
    assert updated is not None
    definition_now = await fields.get_field(session.workspace.id, "score")
    assert definition_now is not None
    assert typed_value(updated.field_values[definition_now.uuid], FieldType.TEXT) == "007"


async def test_clearing_a_value_removes_it_from_storage() -> None:
    session = await create_session()
    await define_field(session, "Plan")
    await define_field(session, "Town")
    ann = await create_contact(session, "Ann", fields={"plan": "Gold", "town": "Huye"})
    await contacts.update_contact(
        session.caller, ann.uuid, ContactPatch(fields={"plan": None, "town": "  "})
    )
    assert await stored_values(session) == {"Ann": {}}


async def test_an_unknown_key_in_an_update_changes_nothing() -> None:
    session = await create_session()
    await define_field(session, "Plan")
    ann = await create_contact(session, "Ann", fields={"plan": "Gold"})
    before = await workspace_snapshot(session.workspace)
    with pytest.raises(InvalidInput) as caught:
        await contacts.update_contact(
            session.caller, ann.uuid, ContactPatch(name="Changed", fields={"plan": "X", "nope": 1})
        )
    assert (caught.value.message, caught.value.field) == (
        'No field with key "nope".',
        "fields.nope",
    )
    assert await workspace_snapshot(session.workspace) == before


# --- deletion and usages -----------------------------------------------------------------------


async def test_a_field_is_free_to_delete_once_no_smart_group_uses_it(run_worker: Any) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    await define_field(session, "Town")
    adults = await groups.create_group(session.caller, name="Adults", query="age >= 18")
    await groups.create_group(session.caller, name="Kids", query="age < 18")
    await run_worker()
    await groups.update_group(session.caller, adults.uuid, query='town = "Huye"')
    kids = await groups.list_groups(session.caller)
    await groups.delete_group(session.caller, next(g.uuid for g in kids if g.name == "Kids"))
    deletion = await fields.delete_field(session.caller, "age")
    assert deletion.field.key == "age"
    with pytest.raises(fields.FieldInUse):
        await fields.delete_field(session.caller, "town", acknowledge_usages=True)


async def test_registering_no_keys_forgets_the_consumer_and_unknown_consumers_remove_nothing() -> (
    None
):
    session = await create_session()
    await define_field(session, "Plan")
    caller = session.caller
    await field_usage_registry.register(caller, kind="flow", ref="f1", name="Flow", keys=["plan"])
    assert (
        await field_usage_registry.register(caller, kind="flow", ref="f1", name="Flow", keys=[])
        == []
    )
    assert (await workspace_snapshot(session.workspace))["usages"] == []
    assert await field_usage_registry.unregister(caller, kind="flow", ref="nobody") == 0
    with pytest.raises(InvalidInput) as caught:
        await field_usage_registry.register(caller, kind=" ", ref="r", name="", keys=["plan"])
    assert caught.value.field == "consumer"
    with pytest.raises(NotFound):
        await field_usage_registry.register(caller, kind="flow", ref="f", name="", keys=["x"])


async def test_usages_of_one_consumer_in_two_workspaces_stay_apart() -> None:
    mine, theirs = await create_session(), await create_session()
    for session in (mine, theirs):
        await define_field(session, "Plan")
        await field_usage_registry.register(
            session.caller, kind="campaign", ref="same-ref", name="Shared", keys=["plan"]
        )
    await field_usage_registry.unregister(mine.caller, kind="campaign", ref="same-ref")
    assert (await workspace_snapshot(mine.workspace))["usages"] == []
    assert len((await workspace_snapshot(theirs.workspace))["usages"]) == 1


async def test_a_large_deletion_hides_the_field_at_once_and_a_job_removes_the_values(
    monkeypatch: Any, run_worker: Any
) -> None:
    monkeypatch.setattr(fields, "INLINE_DELETE_LIMIT", 1)
    session = await create_session()
    await define_field(session, "Plan")
    people = [await create_contact(session, f"C{i}", fields={"plan": f"P{i}"}) for i in range(3)]
    deletion = await fields.delete_field(session.caller, "plan")
    assert (deletion.job_uuid is not None, deletion.values_removed) == (True, 0)
    assert await fields.get_field(session.workspace.id, "plan") is None
    # A new field with the same key starts empty even before the job ran.
    again = await define_field(session, "Plan")
    for person in people:
        record = await contacts.get_contact(session.caller, person.uuid)
        assert record is not None and again.uuid not in record.field_values
    await run_worker()
    assert await stored_values(session) == {"C0": {}, "C1": {}, "C2": {}}
