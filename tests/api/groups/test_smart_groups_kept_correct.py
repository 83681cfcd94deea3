"""Smart groups kept correct by the service (issue 4): contact changes, flag jobs, status
changes, and queries that stop reading."""

from __future__ import annotations

import httpx
import pytest

from core.sql import sql
from models.enums import ContactStatus
from tests.api.groups.documents import (
    ADD_FEW,
    UPDATE,
    ask,
    create_group,
    flag_job,
    members,
    people_with_ages,
    read_group,
    ready_group,
    status_job,
    update_contact,
)
from tests.conftest import RunWorker
from tests.factories import (
    assert_group_counts_exact,
    contact_gid,
    create_contact,
    create_session,
    group_counts,
    set_anonymous,
)


async def test_an_age_change_moves_a_contact_between_smart_groups(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = await people_with_ages(session, {"Ann": 30, "Bob": 45})
    over = await ready_group(client, session, run_worker, "Over 40", "age > 40")
    under = await ready_group(client, session, run_worker, "Under 40", "age < 40")
    await update_contact(client, session, people["Ann"], fields={"age": "50"})
    assert (await members(over), await members(under)) == (["Ann", "Bob"], [])
    await update_contact(client, session, people["Bob"], fields={"age": 12})
    assert (await members(over), await members(under)) == (["Ann"], ["Bob"])
    await update_contact(client, session, people["Bob"], fields={"age": None})
    assert (await members(over), await members(under)) == (["Ann"], [])
    assert await group_counts(session.workspace) == {"Over 40": (1, 1), "Under 40": (0, 0)}
    assert (await read_group(client, session, over["id"]))["memberCount"] == 1


async def test_name_address_language_and_flag_changes_keep_smart_groups_correct(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", flags=["Gold"])
    bob = await create_contact(session, "Bob")
    named = await ready_group(client, session, run_worker, "Named Ann", "name ~ ann")
    phones = await ready_group(client, session, run_worker, "Phones", 'tel != ""')
    french = await ready_group(client, session, run_worker, "French", "language = fra")
    gold = await ready_group(client, session, run_worker, "Gold", "flag = gold")
    assert [await members(g) for g in (named, phones, french, gold)] == [["Ann"], [], [], ["Ann"]]
    await update_contact(
        client,
        session,
        bob,
        name="Annabel",
        urns=["tel:0788 383 383"],
        language="fra",
        addFlags=["GOLD"],
    )
    assert [await members(g) for g in (named, phones, french, gold)] == [
        ["Ann", "Annabel"],
        ["Annabel"],
        ["Annabel"],
        ["Ann", "Annabel"],
    ]
    await update_contact(
        client, session, bob, name="Bob", urns=[], language=None, removeFlags=["gold"]
    )
    assert [await members(g) for g in (named, phones, french, gold)] == [["Ann"], [], [], ["Ann"]]
    await update_contact(client, session, ann, removeFlags=["Gold"])
    assert await members(gold) == []
    await assert_group_counts_exact(session.workspace)


async def test_flag_jobs_keep_smart_groups_correct(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = [await create_contact(session, n) for n in ("Ann", "Bob", "Cy")]
    await create_contact(session, "Di", flags=["VIP"])
    vip = await ready_group(client, session, run_worker, "VIPs", "flag = vip")
    assert await members(vip) == ["Di"]
    ids = [contact_gid(p) for p in people[:2]]
    added = await ask(client, session, flag_job("addFlags"), flags=["Vip"], ids=ids)
    assert added["addFlags"]["__typename"] == "JobStarted"
    await run_worker()
    assert await members(vip) == ["Ann", "Bob", "Di"]
    assert (await read_group(client, session, vip["id"]))["memberCount"] == 3
    removed = await ask(
        client,
        session,
        flag_job("removeFlags"),
        flags=["VIP"],
        ids=[contact_gid(people[0]), contact_gid(people[2])],
    )
    await run_worker()
    job = await ask(
        client,
        session,
        "query($id: ID!) { job(id: $id) { status changedCount skippedCount } }",
        id=removed["removeFlags"]["job"]["id"],
    )
    assert job["job"] == {"status": "SUCCEEDED", "changedCount": 1, "skippedCount": 1}
    assert await members(vip) == ["Bob", "Di"]
    await assert_group_counts_exact(session.workspace)
    events = await sql().fetch(
        "SELECT c.name, e.kind, e.data::text AS data, e.actor_kind FROM contact_event e "
        "JOIN contact c ON c.id = e.contact_id WHERE e.contact_id = ANY($1::bigint[]) "
        "AND e.kind LIKE 'flag_%' ORDER BY e.id",
        [p.id for p in people],
    )
    assert sorted((e["kind"], e["name"], e["data"], e["actor_kind"]) for e in events) == [
        ("flag_added", "Ann", '{"flag": "VIP"}', "job"),
        ("flag_added", "Bob", '{"flag": "VIP"}', "job"),
        ("flag_removed", "Ann", '{"flag": "VIP"}', "job"),
    ]


async def test_archived_contacts_leave_smart_groups_and_restoring_brings_them_back(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = await people_with_ages(session, {"Ann": 50, "Bob": 60, "Cy": 20})
    over = await ready_group(client, session, run_worker, "Over 40", "age > 40")
    manual = (await create_group(client, session, "List"))["group"]
    await ask(client, session, ADD_FEW, g=manual["id"], c=[contact_gid(p) for p in people.values()])
    ids = [contact_gid(people["Ann"]), contact_gid(people["Cy"])]
    await ask(client, session, status_job("archiveContacts"), ids=ids)
    await run_worker()
    assert (await members(over), await members(manual)) == (["Bob"], ["Bob"])
    # While archived, a field change does not bring the contact back.
    await update_contact(client, session, people["Ann"], fields={"age": "70"})
    assert await members(over) == ["Bob"]
    await ask(client, session, status_job("restoreContacts"), ids=ids)
    await run_worker()
    assert (await members(over), await members(manual)) == (["Ann", "Bob"], ["Bob"])
    assert await group_counts(session.workspace) == {"Over 40": (2, 2), "List": (1, 1)}


@pytest.mark.parametrize("status", ["BLOCKED", "STOPPED", "ARCHIVED"])
async def test_a_contact_leaving_active_leaves_every_group_and_rejoins_smart_ones(
    client: httpx.AsyncClient, run_worker: RunWorker, status: str
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    named = await ready_group(client, session, run_worker, "Anns", "name ~ ann")
    manual = (await create_group(client, session, "List"))["group"]
    await ask(client, session, ADD_FEW, g=manual["id"], c=[contact_gid(ann)])
    await update_contact(client, session, ann, status=status)
    assert await group_counts(session.workspace) == {"Anns": (0, 0), "List": (0, 0)}
    await update_contact(client, session, ann, status="ACTIVE")
    assert (await members(named), await members(manual)) == (["Ann"], [])
    await assert_group_counts_exact(session.workspace)


async def test_a_new_matching_contact_joins_at_once(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    group = await ready_group(client, session, run_worker, "Anns", "name ~ ann")
    body = await ask(
        client,
        session,
        'mutation { createContact(input: {name: "Ann Lee"}) { __typename } }',
    )
    assert body["createContact"]["__typename"] == "ContactCreated"
    await create_contact(session, "Anna Old", status=ContactStatus.ARCHIVED)
    assert await members(group) == ["Ann Lee"]
    assert (await read_group(client, session, group["id"]))["memberCount"] == 1


async def test_a_smart_group_whose_query_stops_reading_becomes_invalid_and_can_be_fixed(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["VIP"])
    flag = await ask(client, session, "{ flags { id } }")
    created = await create_group(client, session, "VIPs", "flag = vip")
    refused = await ask(
        client,
        session,
        "mutation($id: ID!) { deleteFlag(id: $id) { __typename ... on UserError { message } } }",
        id=flag["flags"][0]["id"],
    )
    assert refused["deleteFlag"] == {
        "__typename": "InvalidStateError",
        "message": "Flag VIP is used by the smart groups VIPs; change their queries first.",
    }
    # Only a change behind the API's back (here: SQL) can make a stored query stop reading.
    await sql().execute("DELETE FROM flag WHERE workspace_id = $1", session.workspace.id)
    await run_worker()
    group = await read_group(client, session, created["group"]["id"])
    assert (group["status"], group["memberCount"]) == ("INVALID", 0)
    fixed = await ask(client, session, UPDATE, id=group["id"], input={"query": "name ~ ann"})
    assert fixed["updateGroup"]["group"]["status"] == "EVALUATING"
    await run_worker()
    group = await read_group(client, session, group["id"])
    assert (group["status"], group["memberCount"]) == ("READY", 1)


async def test_a_contact_change_marks_a_group_whose_query_stops_reading_invalid(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    await create_contact(session, "Bob", urns=["tel:0788 111 222"])
    callers = await ready_group(client, session, run_worker, "Callers", "tel ~ 0788")
    assert callers["memberCount"] == 2
    await set_anonymous(session.workspace)
    await update_contact(client, session, ann, name="Annie")
    group = await read_group(client, session, callers["id"])
    assert (group["status"], group["memberCount"]) == ("INVALID", 2)
    assert await members(group) == ["Annie", "Bob"]
