"""Contact history: every change writes its events, in its own transaction, naming who did it."""

from __future__ import annotations

import json

from core.sql import sql
from models.enums import ActorKind, ContactStatus, EventKind, JobKind
from services.contacts import history
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.selection import ContactSelection
from services.dispatch import runner as job_runner
from services.editing import contacts
from services.editing.contacts import ContactPatch
from services.flags import definitions as flags
from tests.factories import create_contact, create_session, event_rows


async def test_create_writes_one_created_event_with_addresses_and_flags() -> None:
    session = await create_session()
    ann = await create_contact(
        session,
        "Ann",
        urns=["tel:0788 383 383", "mailto:ann@example.com"],
        flags=["vip", "Donor"],
        company="Acme",
    )
    assert await event_rows(ann) == [
        {
            "kind": "created",
            "data": {
                "name": "Ann",
                "company": "Acme",
                "status": "active",
                "source": "api",
                "urns": ["tel:+250788383383", "mailto:ann@example.com"],
                "flags": ["vip", "Donor"],
                "fields": {},
            },
            "actor_kind": "member",
            "member_id": session.caller.member.id,
            "job_id": None,
        }
    ]


async def test_a_flag_named_twice_in_different_case_is_one_flag_in_history() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", flags=["VIP", "vip"])
    await contacts.update_contact(session.caller, ann.uuid, ContactPatch(add_flags=["New", "NEW"]))
    events = await event_rows(ann)
    assert events[0]["data"]["flags"] == ["VIP"]
    assert [(e["kind"], e["data"]) for e in events[1:]] == [("flag_added", {"flag": "New"})]


async def test_update_writes_one_event_per_kind_of_change() -> None:
    session = await create_session()
    ann = await create_contact(
        session, "Ann", urns=["tel:0788 383 383"], flags=["Old"], company="Acme"
    )
    await contacts.update_contact(
        session.caller,
        ann.uuid,
        ContactPatch(
            name="Anne",
            company=None,
            status=ContactStatus.BLOCKED,
            urns=["mailto:anne@example.com"],
            add_flags=["New"],
            remove_flags=["old"],
        ),
    )
    events = await event_rows(ann)
    assert [(e["kind"], e["data"]) for e in events[1:]] == [
        (
            "updated",
            {
                "changes": {
                    "name": {"from": "Ann", "to": "Anne"},
                    "company": {"from": "Acme", "to": None},
                }
            },
        ),
        ("status_changed", {"from": "active", "to": "blocked"}),
        ("urn_added", {"urn": "mailto:anne@example.com"}),
        ("urn_removed", {"urn": "tel:+250788383383"}),
        ("flag_added", {"flag": "New"}),
        ("flag_removed", {"flag": "Old"}),
    ]
    assert {(e["actor_kind"], e["member_id"], e["job_id"]) for e in events} == {
        ("member", session.caller.member.id, None)
    }


async def test_deleted_event_outlives_the_contact() -> None:
    session = await create_session()
    ann = await create_contact(
        session, "Ann", urns=["tel:0788 383 383"], flags=["VIP"], status=ContactStatus.ARCHIVED
    )
    await contacts.delete_contact(session.caller, ann.uuid)
    assert await sql().fetchval("SELECT count(*) FROM contact WHERE id = $1", ann.id) == 0
    row = await sql().fetchrow(
        "SELECT kind, data, actor_kind, member_id, contact_uuid, workspace_id FROM contact_event "
        "WHERE contact_id = $1 AND kind = 'deleted'",
        ann.id,
    )
    assert row is not None
    assert json.loads(row["data"]) == {
        "name": "Ann",
        "urns": ["tel:+250788383383"],
        "flags": ["VIP"],
    }
    assert (row["actor_kind"], row["member_id"], row["contact_uuid"], row["workspace_id"]) == (
        "member",
        session.caller.member.id,
        ann.uuid,
        session.workspace.id,
    )


async def test_events_written_by_a_job_name_the_job_and_its_starter() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    bob = await create_contact(session, "Bob", status=ContactStatus.ARCHIVED)
    archive = await start_contact_job(
        session.caller, JobKind.ARCHIVE_CONTACTS, ContactSelection(uuids=[ann.uuid])
    )
    delete = await start_contact_job(
        session.caller, JobKind.DELETE_CONTACTS, ContactSelection(uuids=[bob.uuid])
    )
    for job in (archive, delete):
        await job_runner.run_job(str(job.uuid), chunk_size=10)
    (ann_event,) = (await event_rows(ann))[1:]
    assert ann_event == {
        "kind": "status_changed",
        "data": {"from": "active", "to": "archived"},
        "actor_kind": "job",
        "member_id": session.caller.member.id,
        "job_id": archive.id,
    }
    (bob_event,) = (await event_rows(bob))[1:]
    assert bob_event == {
        "kind": "deleted",
        "data": {"name": "Bob", "urns": [], "flags": []},
        "actor_kind": "job",
        "member_id": session.caller.member.id,
        "job_id": delete.id,
    }


async def test_deleting_a_flag_writes_flag_removed_for_each_holder() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", flags=["VIP", "Keep"])
    bob = await create_contact(session, "Bob", flags=["Keep"])
    (vip,) = [f for f in await flags.list_flags(session.caller) if f.name == "VIP"]
    await flags.delete_flag(session.caller, vip.uuid)
    (ann_event,) = (await event_rows(ann))[1:]
    assert ann_event == {
        "kind": "flag_removed",
        "data": {"flag": "VIP"},
        "actor_kind": "member",
        "member_id": session.caller.member.id,
        "job_id": None,
    }
    assert [e["kind"] for e in await event_rows(bob)] == ["created"]


async def test_contact_history_reads_newest_first_in_pages() -> None:
    session = await create_session()
    ann = await create_contact(session, "v0")
    for i in range(1, 5):
        await contacts.update_contact(session.caller, ann.uuid, ContactPatch(name=f"v{i}"))
    first = await history.contact_history(
        workspace_id=session.workspace.id, contact_id=ann.id, limit=3, before_id=None
    )
    rest = await history.contact_history(
        workspace_id=session.workspace.id, contact_id=ann.id, limit=3, before_id=first[-1].id
    )
    assert [e.kind for e in first] == [EventKind.UPDATED] * 3
    assert [e.data["changes"]["name"]["to"] for e in first] == ["v4", "v3", "v2"]
    assert [(e.kind, e.actor_kind) for e in rest] == [
        (EventKind.UPDATED, ActorKind.MEMBER),
        (EventKind.CREATED, ActorKind.MEMBER),
    ]


async def test_contact_history_is_scoped_to_the_workspace() -> None:
    session = await create_session()
    other = await create_session()
    ann = await create_contact(session, "Ann")
    leaked = await history.contact_history(
        workspace_id=other.workspace.id, contact_id=ann.id, limit=10, before_id=None
    )
    assert leaked == []
