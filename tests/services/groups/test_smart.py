"""services.groups.smart and every path that must keep smart group membership correct."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from core.sql import Sql, sql, transaction
from models.enums import ContactStatus, FieldType
from services.contacts.records import ContactRecord
from services.contacts.selection import ContactSelection
from services.editing import contacts
from services.editing.contacts import ContactPatch
from services.errors import InvalidState
from services.flags import definitions as flags
from services.flags import jobs as flag_jobs
from services.groups import definitions as groups
from services.groups import members as group_members
from services.groups.definitions import GroupRecord
from services.groups.smart import refresh_memberships
from services.jobs import control as jobs
from services.jobs.context import JobContext
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    assert_group_counts_exact,
    create_contact,
    create_session,
    define_field,
    evaluation_job_uuid,
    group_counts,
    member_names,
    run_one_chunk,
    set_anonymous,
)


async def smart_group(session: Session, run_worker: RunWorker, name: str, query: str) -> Any:
    group = await groups.create_group(session.caller, name=name, query=query)
    await run_worker()
    ready = await groups.get_group(session.caller, group.uuid)
    assert ready is not None and ready.status.value == "ready"
    return ready


async def count_of(session: Session, group: GroupRecord) -> int:
    current = await groups.get_group(session.caller, group.uuid)
    assert current is not None
    return current.member_count


@dataclass(frozen=True)
class Change:
    """A smart group query, and a patch that makes Bob match it and one that undoes it."""

    query: str
    join: ContactPatch
    leave: ContactPatch


CHANGES = {
    "name": Change("name ~ rob", ContactPatch(name="Robert"), ContactPatch(name="Bob")),
    "address": Change("tel ~ 383", ContactPatch(urns=["tel:0788 383 383"]), ContactPatch(urns=[])),
    "email": Change(
        'mailto = "bob@example.com"',
        ContactPatch(urns=["mailto:Bob@Example.com"]),
        ContactPatch(urns=["mailto:other@example.com"]),
    ),
    "field": Change(
        "age > 40", ContactPatch(fields={"age": "41"}), ContactPatch(fields={"age": "40"})
    ),
    "cleared field": Change(
        'age = ""', ContactPatch(fields={"age": None}), ContactPatch(fields={"age": "1"})
    ),
    "language": Change(
        "language = fra", ContactPatch(language="fra"), ContactPatch(language="eng")
    ),
    "flag": Change(
        "flag = vip", ContactPatch(add_flags=["VIP"]), ContactPatch(remove_flags=["vip"])
    ),
    "company": Change("company = acme", ContactPatch(company="ACME"), ContactPatch(company=None)),
}


@pytest.mark.parametrize("kind", sorted(CHANGES))
async def test_every_kind_of_change_moves_a_contact_in_and_out(
    run_worker: RunWorker, kind: str
) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    await flags.create_flag(session.caller, "VIP")
    bob = await create_contact(session, "Bob", fields={"age": "20"})
    change = CHANGES[kind]
    group = await smart_group(session, run_worker, "Smart", change.query)
    assert await member_names(group.uuid) == []
    joined = await contacts.update_contact(session.caller, bob.uuid, change.join)
    assert (await member_names(group.uuid), await count_of(session, group)) == ([joined.name], 1)
    await contacts.update_contact(session.caller, bob.uuid, change.leave)
    assert (await member_names(group.uuid), await count_of(session, group)) == ([], 0)


async def test_one_change_updates_many_groups_with_exact_counts(run_worker: RunWorker) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    people = [
        await create_contact(session, name, fields={"age": str(age)})
        for name, age in (("Ann", 15), ("Bob", 35), ("Cy", 55), ("Di", 75))
    ]
    for name, query in (
        ("Teens", "age < 20"),
        ("Adults", "age >= 20"),
        ("Seniors", "age >= 60"),
        ("Anns", "name ~ ann"),
    ):
        await groups.create_group(session.caller, name=name, query=query)
    await run_worker()
    assert await group_counts(session.workspace) == {
        "Teens": (1, 1),
        "Adults": (3, 3),
        "Seniors": (1, 1),
        "Anns": (1, 1),
    }
    await contacts.update_contact(
        session.caller, people[0].uuid, ContactPatch(name="Annie", fields={"age": "65"})
    )
    await contacts.update_contact(
        session.caller, people[3].uuid, ContactPatch(name="Ann Marie", fields={"age": "19"})
    )
    assert await group_counts(session.workspace) == {
        "Teens": (1, 1),
        "Adults": (3, 3),
        "Seniors": (1, 1),
        "Anns": (2, 2),
    }
    seniors = next(g for g in await groups.list_groups(session.caller) if g.name == "Seniors")
    assert await member_names(seniors.uuid) == ["Annie"]


async def test_refresh_is_idempotent_and_ignores_inactive_contacts(run_worker: RunWorker) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    archived = await create_contact(session, "Anna", status=ContactStatus.ARCHIVED)
    group = await smart_group(session, run_worker, "Anns", "name ~ ann")
    for _ in range(2):
        async with transaction() as tx:
            await refresh_memberships(
                tx, workspace=session.workspace, contact_ids=[ann.id, archived.id]
            )
    assert (await member_names(group.uuid), await count_of(session, group)) == (["Ann"], 1)


async def test_a_contact_created_matching_joins_and_an_inactive_one_does_not(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    group = await smart_group(session, run_worker, "Anns", "name ~ ann")
    await create_contact(session, "Ann")
    for status in (ContactStatus.ARCHIVED, ContactStatus.BLOCKED, ContactStatus.STOPPED):
        await create_contact(session, f"Ann {status.value}", status=status)
    assert await member_names(group.uuid) == ["Ann"]
    await assert_group_counts_exact(session.workspace)


@pytest.mark.parametrize(
    "status", [ContactStatus.ARCHIVED, ContactStatus.BLOCKED, ContactStatus.STOPPED]
)
async def test_coming_back_to_active_rejoins_the_matching_smart_groups_only(
    run_worker: RunWorker, status: ContactStatus
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    anns = await smart_group(session, run_worker, "Anns", "name ~ ann")
    bobs = await smart_group(session, run_worker, "Bobs", "name ~ bob")
    manual = await groups.create_group(session.caller, name="List")

    await group_members.add_contacts(session.caller, manual.uuid, [ann.uuid])
    await contacts.update_contact(session.caller, ann.uuid, ContactPatch(status=status))
    assert await group_counts(session.workspace) == {
        "Anns": (0, 0),
        "Bobs": (0, 0),
        "List": (0, 0),
    }
    await contacts.update_contact(
        session.caller, ann.uuid, ContactPatch(status=ContactStatus.ACTIVE)
    )
    assert [await member_names(g.uuid) for g in (anns, bobs, manual)] == [["Ann"], [], []]
    await assert_group_counts_exact(session.workspace)


async def test_a_contact_changed_while_its_group_initializes_ends_up_right(
    run_worker: RunWorker,
) -> None:
    """The evaluation walks contacts by id; a contact it has passed must still be kept right."""
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    joiner = await create_contact(session, "Joiner", fields={"age": "30"})
    leaver = await create_contact(session, "Leaver", fields={"age": "50"})
    await create_contact(session, "Later", fields={"age": "60"})
    group = await groups.create_group(session.caller, name="Over 40", query="age > 40")
    job = await evaluation_job_uuid(group.uuid)
    assert await run_one_chunk(job, chunk_size=2) is None  # Joiner and Leaver are checked
    await contacts.update_contact(session.caller, joiner.uuid, ContactPatch(fields={"age": "45"}))
    await contacts.update_contact(session.caller, leaver.uuid, ContactPatch(fields={"age": "35"}))
    await run_worker()
    assert await member_names(group.uuid) == ["Joiner", "Later"]
    await assert_group_counts_exact(session.workspace)


async def test_a_contact_changed_while_its_group_re_evaluates_ends_up_right(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    joiner = await create_contact(session, "Joiner", fields={"age": "10"})
    leaver = await create_contact(session, "Leaver", fields={"age": "50"})
    await create_contact(session, "Later", fields={"age": "60"})
    group = await smart_group(session, run_worker, "Grown", "age > 40")
    await groups.update_group(session.caller, group.uuid, query="age > 20")
    job = await evaluation_job_uuid(group.uuid)
    assert await run_one_chunk(job, chunk_size=2) is None
    await contacts.update_contact(session.caller, joiner.uuid, ContactPatch(fields={"age": "25"}))
    await contacts.update_contact(session.caller, leaver.uuid, ContactPatch(fields={"age": "15"}))
    await run_worker()
    assert await member_names(group.uuid) == ["Joiner", "Later"]
    await assert_group_counts_exact(session.workspace)


async def test_a_flag_used_by_a_smart_group_cannot_be_deleted(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["VIP"])
    await create_contact(session, "Bob", flags=["VIP"])
    group = await smart_group(session, run_worker, "VIPs", "flag = vip")
    assert await member_names(group.uuid) == ["Ann", "Bob"]
    vip = (await flags.list_flags(session.caller))[0]
    with pytest.raises(InvalidState, match="used by the smart groups VIPs"):
        await flags.delete_flag(session.caller, vip.uuid)
    assert [f.name for f in await flags.list_flags(session.caller)] == ["VIP"]
    assert await member_names(group.uuid) == ["Ann", "Bob"]
    await assert_group_counts_exact(session.workspace)


async def test_a_deleted_contact_leaves_its_smart_groups(run_worker: RunWorker) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    await create_contact(session, "Anna")
    group = await smart_group(session, run_worker, "Anns", "name ~ ann")
    await contacts.update_contact(
        session.caller, ann.uuid, ContactPatch(status=ContactStatus.ARCHIVED)
    )
    await contacts.delete_contact(session.caller, ann.uuid)
    assert (await member_names(group.uuid), await count_of(session, group)) == (["Anna"], 1)


async def _hide_addresses(session: Session) -> None:
    await set_anonymous(session.workspace)


async def _drop_flags(session: Session) -> None:
    # Only a change behind the services' back can make a stored query stop reading.
    await sql().execute("DELETE FROM flag WHERE workspace_id = $1", session.workspace.id)


@pytest.mark.parametrize(
    ("query", "break_query"),
    [("tel ~ 0788", _hide_addresses), ("flag = vip", _drop_flags)],
    ids=["anonymous workspace", "flag gone"],
)
async def test_upkeep_marks_a_group_whose_query_stops_reading_invalid_and_keeps_its_members(
    run_worker: RunWorker, query: str, break_query: Callable[[Session], Awaitable[None]]
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"], flags=["VIP"])
    await create_contact(session, "Bob", urns=["tel:0788 111 222"], flags=["VIP"])
    group = await smart_group(session, run_worker, "Broken", query)
    healthy = await smart_group(session, run_worker, "Anns", "name ~ ann")
    await break_query(session)
    await contacts.update_contact(session.caller, ann.uuid, ContactPatch(name="Annie"))
    current = await groups.get_group(session.caller, group.uuid)
    assert current is not None
    assert (current.status.value, current.member_count) == ("invalid", 2)
    assert await member_names(group.uuid) == ["Annie", "Bob"]
    assert await member_names(healthy.uuid) == ["Annie"]
    await assert_group_counts_exact(session.workspace)


async def test_an_invalid_group_is_left_alone_by_upkeep_until_its_query_is_fixed(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    group = await smart_group(session, run_worker, "Callers", "tel ~ 0788")
    await set_anonymous(session.workspace)
    await contacts.update_contact(session.caller, ann.uuid, ContactPatch(name="Annie"))
    await contacts.update_contact(session.caller, ann.uuid, ContactPatch(name="Bob"))
    assert await member_names(group.uuid) == ["Bob"]
    await groups.update_group(session.caller, group.uuid, query="name ~ ann")
    await run_worker()
    fixed = await groups.get_group(session.caller, group.uuid)
    assert fixed is not None
    assert (fixed.status.value, fixed.member_count) == ("ready", 0)
    await contacts.update_contact(session.caller, ann.uuid, ContactPatch(name="Ann"))
    assert await member_names(group.uuid) == ["Ann"]


async def test_saving_an_invalid_groups_query_again_revives_it_once_it_reads(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    group = await smart_group(session, run_worker, "Callers", "tel ~ 0788")
    await set_anonymous(session.workspace)
    await contacts.update_contact(session.caller, ann.uuid, ContactPatch(name="Annie"))
    await create_contact(session, "Bob", urns=["tel:0788 111 222"])
    await set_anonymous(session.workspace, False)

    saved = await groups.update_group(session.caller, group.uuid, query="tel ~ 0788")
    assert saved.status.value == "evaluating"
    await run_worker()

    revived = await groups.get_group(session.caller, group.uuid)
    assert revived is not None
    assert (revived.status.value, revived.member_count) == ("ready", 2)
    assert await member_names(group.uuid) == ["Annie", "Bob"]


# --- evaluation racing contact changes ----------------------------------------------------------


async def _rename(tx: Sql, session: Session, contact: ContactRecord, name: str) -> None:
    await tx.execute("UPDATE contact SET name = $2 WHERE id = $1", contact.id, name)
    await refresh_memberships(tx, workspace=session.workspace, contact_ids=[contact.id])


async def _unflag(tx: Sql, session: Session, contact: ContactRecord, name: str) -> None:
    flag_ids = [r["id"] for r in await tx.fetch("SELECT id FROM flag")]
    job = JobContext(0, session.workspace, session.caller.member.id, {"flag_ids": flag_ids})
    await flag_jobs.remove_flags_chunk(tx, job, [contact.id])


@pytest.mark.parametrize("change", [_rename, _unflag], ids=["renamed", "unflagged"])
async def test_a_contact_changed_while_an_evaluation_chunk_reads_it_ends_up_right(
    run_worker: RunWorker,
    change: Callable[[Sql, Session, ContactRecord, str], Awaitable[None]],
) -> None:
    """The chunk reads contacts while a change to one of them is not yet committed: it must
    not put the contact in by what it was."""
    session = await create_session()
    robert = await create_contact(session, "Robert", flags=["VIP"])
    group = await groups.create_group(
        session.caller, name="Roberts", query="name ~ rob AND flag = vip"
    )
    job = await evaluation_job_uuid(group.uuid)
    changed, commit = asyncio.Event(), asyncio.Event()

    async def change_robert() -> None:
        async with transaction() as tx:
            await change(tx, session, robert, "Bob")
            changed.set()
            await commit.wait()

    writer = asyncio.create_task(change_robert())
    await changed.wait()
    chunk = asyncio.create_task(run_one_chunk(job, chunk_size=10))
    await asyncio.sleep(0.3)  # the chunk waits for the change instead of reading past it
    commit.set()
    await writer
    await chunk
    await run_worker()
    assert await member_names(group.uuid) == []
    await assert_group_counts_exact(session.workspace)


async def test_a_flag_job_touches_modified_on_like_a_single_change(run_worker: RunWorker) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    before = await sql().fetchval("SELECT modified_on FROM contact WHERE id = $1", ann.id)
    await flag_jobs.start_flag_job(
        session.caller, ["VIP"], ContactSelection(uuids=[ann.uuid]), add=True
    )
    await run_worker()
    after = await sql().fetchval("SELECT modified_on FROM contact WHERE id = $1", ann.id)
    assert after > before


# --- an evaluation that stopped ----------------------------------------------------------------


async def test_saving_the_query_again_restarts_a_cancelled_evaluation(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    await create_contact(session, "Anna")
    group = await groups.create_group(session.caller, name="Anns", query="name ~ ann")
    job = await evaluation_job_uuid(group.uuid)
    assert await run_one_chunk(job, chunk_size=1) is None
    await jobs.cancel_job(session.caller, uuid.UUID(job))
    await run_worker()
    stopped = await groups.get_group(session.caller, group.uuid)
    assert stopped is not None and stopped.status.value == "initializing"

    saved = await groups.update_group(session.caller, group.uuid, query="name ~ ann")
    assert saved.status.value == "evaluating"
    assert await evaluation_job_uuid(group.uuid) != job
    with pytest.raises(InvalidState, match="still being evaluated"):
        await groups.update_group(session.caller, group.uuid, query="name ~ bob")
    await run_worker()
    ready = await groups.get_group(session.caller, group.uuid)
    assert ready is not None
    assert (ready.status.value, ready.member_count) == ("ready", 2)
    assert await member_names(group.uuid) == ["Ann", "Anna"]
