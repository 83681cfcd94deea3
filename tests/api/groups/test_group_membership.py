"""Manual group membership (issue 4): a few contacts by ID, large selections as jobs."""

from __future__ import annotations

import httpx
import pytest

from models.enums import ContactStatus
from tests.api.groups.documents import (
    ADD_FEW,
    REMOVE_FEW,
    ask,
    create_group,
    group_job,
    members,
    read_group,
    ready_group,
)
from tests.conftest import RunWorker
from tests.factories import (
    assert_group_counts_exact,
    contact_gid,
    create_contact,
    create_session,
    global_id,
    workspace_snapshot,
)


async def test_add_and_remove_a_few_contacts_by_id(client: httpx.AsyncClient) -> None:
    session = await create_session()
    people = [await create_contact(session, n) for n in ("Ann", "Bob", "Cy")]
    group = (await create_group(client, session, "List"))["group"]
    ids = [contact_gid(p) for p in people]
    added = await ask(client, session, ADD_FEW, g=group["id"], c=ids[:2])
    assert added["addContactsToGroup"] == {
        "__typename": "GroupSaved",
        "group": {"memberCount": 2},
    }
    again = await ask(client, session, ADD_FEW, g=group["id"], c=ids)
    assert again["addContactsToGroup"]["group"]["memberCount"] == 3
    removed = await ask(client, session, REMOVE_FEW, g=group["id"], c=[ids[0], ids[0]])
    assert removed["removeContactsFromGroup"]["group"]["memberCount"] == 2
    not_member = await ask(client, session, REMOVE_FEW, g=group["id"], c=[ids[0]])
    assert not_member["removeContactsFromGroup"]["group"]["memberCount"] == 2
    assert await members(group) == ["Bob", "Cy"]
    await assert_group_counts_exact(session.workspace)


@pytest.mark.parametrize(
    "status", [ContactStatus.ARCHIVED, ContactStatus.BLOCKED, ContactStatus.STOPPED]
)
async def test_an_inactive_contact_cannot_be_added_naming_it(
    client: httpx.AsyncClient, status: ContactStatus
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    zed = await create_contact(session, "Zed", status=status)
    group = (await create_group(client, session, "List"))["group"]
    before = await workspace_snapshot(session.workspace)
    refused = await ask(
        client, session, ADD_FEW, g=group["id"], c=[contact_gid(ann), contact_gid(zed)]
    )
    assert refused["addContactsToGroup"] == {
        "__typename": "InvalidStateError",
        "message": f"Zed is {status.value}; only active contacts can be added to a group.",
        "code": "INVALID_STATE",
        "field": "contactIds",
    }
    assert await workspace_snapshot(session.workspace) == before


async def test_an_unnamed_inactive_contact_is_named_by_its_uuid(client: httpx.AsyncClient) -> None:
    session = await create_session()
    nobody = await create_contact(session, None, status=ContactStatus.BLOCKED)
    group = (await create_group(client, session, "List"))["group"]
    refused = await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(nobody)])
    assert str(nobody.uuid) in refused["addContactsToGroup"]["message"]


async def test_adding_unknown_contacts_or_too_many_is_refused(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    group = (await create_group(client, session, "List"))["group"]
    missing = global_id("Contact", "00000000-0000-4000-8000-000000000000")
    unknown = await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(ann), missing])
    assert unknown["addContactsToGroup"] == {
        "__typename": "NotFoundError",
        "message": "No such contact.",
        "code": "NOT_FOUND",
        "field": "contactIds",
    }
    too_many = await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(ann)] * 101)
    assert too_many["addContactsToGroup"] == {
        "__typename": "ValidationError",
        "message": "Add at most 100 contacts at once; use a selection job for more.",
        "code": "INVALID",
        "field": "contactIds",
    }
    not_contact = await ask(client, session, ADD_FEW, g=group["id"], c=[group["id"]])
    assert (
        not_contact["addContactsToGroup"]["__typename"],
        not_contact["addContactsToGroup"]["field"],
    ) == (
        "ValidationError",
        "contactIds",
    )
    assert await members(group) == []


async def test_large_selections_are_added_and_removed_by_jobs(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    for i in range(5):
        await create_contact(session, f"Kid {i}", flags=["Kids"])
    await create_contact(session, "Kid Gone", flags=["Kids"], status=ContactStatus.ARCHIVED)
    await create_contact(session, "Adult")
    group = (await create_group(client, session, "Kids List"))["group"]
    started = await ask(
        client, session, group_job("addToGroup"), g=group["id"], filter={"flagsAny": ["kids"]}
    )
    job = started["addToGroup"]["job"]
    assert (job["kind"], job["status"], job["progress"]["total"]) == ("ADD_TO_GROUP", "QUEUED", 6)
    await run_worker(job_chunk_size=2)
    done = await ask(
        client,
        session,
        "query($id: ID!) { job(id: $id) { status changedCount skippedCount } }",
        id=job["id"],
    )
    assert done["job"] == {"status": "SUCCEEDED", "changedCount": 5, "skippedCount": 1}
    assert (await read_group(client, session, group["id"]))["memberCount"] == 5
    removal = await ask(
        client,
        session,
        group_job("removeFromGroup"),
        g=group["id"],
        filter={"query": 'name = "kid 3"'},
    )
    assert removal["removeFromGroup"]["__typename"] == "JobStarted"
    await run_worker()
    assert await members(group) == ["Kid 0", "Kid 1", "Kid 2", "Kid 4"]
    await assert_group_counts_exact(session.workspace)


async def test_an_add_job_says_how_many_inactive_contacts_it_did_not_add(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    for name, status in [
        ("Kid 0", ContactStatus.ACTIVE),
        ("Kid Archived", ContactStatus.ARCHIVED),
        ("Kid 1", ContactStatus.ACTIVE),
        ("Kid Blocked", ContactStatus.BLOCKED),
        ("Kid Stopped", ContactStatus.STOPPED),
        ("Kid Gone", ContactStatus.ARCHIVED),
    ]:
        await create_contact(session, name, flags=["Kids"], status=status)
    group = (await create_group(client, session, "Kids List"))["group"]
    started = await ask(
        client,
        session,
        group_job("addToGroup"),
        g=group["id"],
        filter={"flagsAny": ["kids"], "status": ["ACTIVE", "ARCHIVED", "BLOCKED", "STOPPED"]},
    )
    await run_worker(job_chunk_size=2)
    done = await ask(
        client,
        session,
        "query($id: ID!) { job(id: $id) { status changedCount skippedCount "
        "errors { message code } } }",
        id=started["addToGroup"]["job"]["id"],
    )
    assert done["job"] == {
        "status": "SUCCEEDED",
        "changedCount": 2,
        "skippedCount": 4,
        "errors": [
            {
                "message": "4 selected contacts were not added: 2 are archived, 1 is blocked "
                "and 1 is stopped; only active contacts can be added to a group.",
                "code": "inactive_contacts",
            }
        ],
    }
    assert await members(group) == ["Kid 0", "Kid 1"]


@pytest.mark.parametrize(
    ("mutation", "by_job"),
    [
        ("addContactsToGroup", False),
        ("removeContactsFromGroup", False),
        ("addToGroup", True),
        ("removeFromGroup", True),
    ],
)
async def test_smart_groups_cannot_be_changed_by_hand(
    client: httpx.AsyncClient, run_worker: RunWorker, mutation: str, by_job: bool
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    bob = await create_contact(session, "Bob")
    smart = await ready_group(client, session, run_worker, "Anns", "name ~ ann")
    before = await workspace_snapshot(session.workspace)
    if by_job:
        body = await ask(
            client, session, group_job(mutation), g=smart["id"], ids=[contact_gid(bob)]
        )
    else:
        query = ADD_FEW if mutation == "addContactsToGroup" else REMOVE_FEW
        body = await ask(client, session, query, g=smart["id"], c=[contact_gid(ann)])
    assert body[mutation] == {
        "__typename": "InvalidStateError",
        "message": "Anns is a smart group: its members follow its query.",
        "code": "INVALID_STATE",
        "field": "groupId",
    }
    assert await workspace_snapshot(session.workspace) == before
