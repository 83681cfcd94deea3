"""Committing: creates and updates set-wise, with addresses, fields, flags, group, history."""

from __future__ import annotations

import json
from pathlib import Path

from core.sql import sql
from models.enums import FieldType
from services.imports.groups import GroupRef
from services.imports.records import ImportStatus
from services.imports.storage import absolute_path
from tests.conftest import RunWorker
from tests.factories import create_contact, create_group, create_session, event_rows, group_state
from tests.services.imports.support import add_field, commit, contacts_of, problems, validate


async def test_commit_creates_contacts_with_addresses_fields_flags_group_and_history(
    run_worker: RunWorker, files_root: Path
) -> None:
    session = await create_session()
    age = await add_field(session, "Age", FieldType.NUMBER)
    text = (
        "name,phone,email,Field:Age,flags,language,company,status\n"
        'Bob,0788 383 383,BOB@Example.com,42,"VIP, donor",ENG,Acme,\n'
        "Cleo,0788 383 384,,,,,,\n"
        "Dee,0788 383 385,,,,,,blocked\n"
    )
    record = await validate(
        session, run_worker, text, group=GroupRef(name="Imported"), flags=["News"]
    )

    done = await commit(session, run_worker, record)

    assert done.status is ImportStatus.COMMITTED
    assert (done.counts.created, done.counts.updated, done.counts.unchanged) == (3, 0, 0)
    people = await contacts_of(session)
    assert [(p["name"], p["urns"], p["flags"], p["status"]) for p in people] == [
        (
            "Bob",
            ["tel:+250788383383", "mailto:bob@example.com"],
            ["donor", "News", "VIP"],
            "active",
        ),
        ("Cleo", ["tel:+250788383384"], ["News"], "active"),
        ("Dee", ["tel:+250788383385"], ["News"], "blocked"),
    ]
    bob = people[0]
    assert json.loads(bob["fields"]) == {age: {"text": "42", "number": 42}}
    assert (bob["language"], bob["company"], bob["source"]) == ("eng", "Acme", "import")
    assert bob["created_by_id"] == session.caller.member.id
    group_id = await sql().fetchval(
        "SELECT id FROM contact_group WHERE workspace_id = $1 AND name = 'Imported'",
        session.workspace.id,
    )
    state = await group_state(group_id)
    assert (state.member_count, state.contact_ids) == (
        2,
        frozenset({people[0]["id"], people[1]["id"]}),
    )
    events = await sql().fetch(
        "SELECT kind, data::text AS data, actor_kind, member_id, job_id FROM contact_event "
        "WHERE contact_id = $1",
        bob["id"],
    )
    assert [(e["kind"], json.loads(e["data"]), e["actor_kind"]) for e in events] == [
        (
            "created",
            {
                "name": "Bob",
                "language": "eng",
                "company": "Acme",
                "status": "active",
                "source": "import",
                "urns": ["tel:+250788383383", "mailto:bob@example.com"],
                "flags": ["donor", "News", "VIP"],
                "fields": {"age": "42"},
            },
            "import",
        )
    ]
    assert (events[0]["member_id"], events[0]["job_id"]) == (
        session.caller.member.id,
        done.commit_job_id,
    )
    job = await sql().fetchrow(
        "SELECT status, progress_done, progress_total, changed_count FROM job WHERE id = $1",
        done.commit_job_id,
    )
    assert job is not None
    assert tuple(job) == ("succeeded", 3, 3, 3)
    assert (
        await sql().fetchval("SELECT count(*) FROM import_row WHERE import_id = $1", record.id) == 0
    )
    assert not absolute_path(record.file_path).exists()


async def test_commit_updates_matched_contacts_empty_leaves_and_double_dash_clears(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    age = await add_field(session, "Age", FieldType.NUMBER)
    ann = await create_contact(
        session,
        "Ann",
        urns=["tel:+250788000001"],
        flags=["VIP"],
        company="Old Co",
        notes="keep me",
        fields={"age": "30"},
    )
    text = "name,phone,email,company,notes,Field:Age,flags\nAnn B,0788000001,ann@x.com,--,,31,--\n"
    record = await validate(session, run_worker, text)

    done = await commit(session, run_worker, record)

    assert (done.counts.created, done.counts.updated, done.counts.unchanged) == (0, 1, 0)
    [after] = await contacts_of(session)
    assert (after["name"], after["company"], after["notes"], after["flags"]) == (
        "Ann B",
        None,
        "keep me",
        [],
    )
    assert after["urns"] == ["tel:+250788000001", "mailto:ann@x.com"]
    assert json.loads(after["fields"]) == {age: {"text": "31", "number": 31}}
    events = [(e["kind"], e["data"], e["actor_kind"]) for e in await event_rows(ann)][1:]
    assert events == [
        (
            "updated",
            {
                "changes": {
                    "name": {"from": "Ann", "to": "Ann B"},
                    "company": {"from": "Old Co", "to": None},
                    "fields.age": {"from": "30", "to": "31"},
                }
            },
            "import",
        ),
        ("urn_added", {"urn": "mailto:ann@x.com"}, "import"),
        ("flag_removed", {"flag": "VIP"}, "import"),
    ]


async def test_rows_that_change_nothing_count_as_unchanged_and_write_no_history(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:+250788000001"], company="Acme")
    record = await validate(session, run_worker, "name,phone,company\nAnn,0788000001,Acme\n")

    done = await commit(session, run_worker, record)

    assert (done.counts.created, done.counts.updated, done.counts.unchanged) == (0, 0, 1)
    assert [e["kind"] for e in await event_rows(ann)] == ["created"]


async def test_skipped_contacts_keep_their_values_but_join_the_group(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:+250788000001"])
    group_id = await create_group(session.workspace, "Members")
    record = await validate(
        session,
        run_worker,
        "name,phone,flags\nAnn B,0788000001,VIP\n",
        update_existing=False,
        group=GroupRef(name="members"),
    )

    done = await commit(session, run_worker, record)

    assert (done.counts.updated, done.counts.unchanged) == (0, 1)
    [after] = await contacts_of(session)
    assert (after["name"], after["flags"]) == ("Ann", [])
    state = await group_state(group_id)
    assert (state.member_count, state.contact_ids) == (1, frozenset({ann.id}))


async def test_new_fields_are_created_at_commit_not_before(run_worker: RunWorker) -> None:
    session = await create_session()
    text = "name,Field:Shoe Size\nBob,42\n"
    record = await validate(session, run_worker, text, create_unknown_fields=True)
    assert [(c.header, c.target, c.reason) for c in record.columns] == [
        ("name", "name", None),
        ("Field:Shoe Size", "Field:shoe_size", 'creates the text field "Shoe Size"'),
    ]
    assert (
        await sql().fetchval(
            "SELECT count(*) FROM contact_field WHERE workspace_id = $1", session.workspace.id
        )
        == 0
    )

    await commit(session, run_worker, record)

    field = await sql().fetchrow(
        "SELECT uuid::text, name, value_type FROM contact_field WHERE workspace_id = $1",
        session.workspace.id,
    )
    assert field is not None
    assert (field["name"], field["value_type"]) == ("Shoe Size", "text")
    [bob] = await contacts_of(session)
    assert json.loads(bob["fields"]) == {field["uuid"]: {"text": "42", "number": 42}}


async def test_error_rows_are_not_imported_in_valid_rows_only_mode(run_worker: RunWorker) -> None:
    session = await create_session()
    record = await validate(session, run_worker, "name,phone\nBob,0788383383\nBad,12\n")

    done = await commit(session, run_worker, record)

    assert [p["name"] for p in await contacts_of(session)] == ["Bob"]
    assert (done.counts.created, done.counts.error_rows) == (1, 1)
    assert await problems(done) == [
        (3, "phone", "12", '"12" is not a possible phone number for RW: too short')
    ]
