"""archiveContacts: the selection frozen at request time, the worker, history, groups."""

from __future__ import annotations

import httpx

from models.enums import ContactStatus
from tests.api.jobs.support import progress, read_job, start
from tests.conftest import RunWorker
from tests.factories import (
    GroupState,
    contact_gid,
    contact_statuses,
    create_contact,
    create_group,
    create_session,
    data_of,
    gql,
    group_state,
)


async def test_archive_by_ids_knows_its_total_at_once_and_finishes_in_the_worker(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session(name="Ann Admin")
    active = [await create_contact(session, f"C{i}") for i in range(3)]
    archived = await create_contact(session, "Old", status=ContactStatus.ARCHIVED)
    untouched = await create_contact(session, "Not selected")
    started = await start(
        client, session, "archiveContacts", ids=[contact_gid(c) for c in [*active, archived]]
    )
    assert started["__typename"] == "JobStarted"
    job = started["job"]
    assert (job["kind"], job["createdBy"], job["startedOn"]) == (
        "ARCHIVE_CONTACTS",
        "Ann Admin",
        None,
    )
    assert progress(job) == ("QUEUED", 0, 4, 0, 0)
    assert job["progress"]["percent"] == 0.0
    await run_worker()
    done = await read_job(client, session, job["id"])
    assert progress(done) == ("SUCCEEDED", 4, 4, 3, 1)
    assert done["progress"]["percent"] == 100.0
    assert done["errors"] == []
    assert done["startedOn"] is not None and done["finishedOn"] is not None
    statuses = await contact_statuses(session.workspace)
    assert [statuses[c.id] for c in active] == ["archived"] * 3
    assert (statuses[archived.id], statuses[untouched.id]) == ("archived", "active")


async def test_archive_by_filter_freezes_the_matching_contacts_at_request_time(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    vips = [await create_contact(session, f"V{i}", flags=["VIP"]) for i in range(3)]
    other = await create_contact(session, "Other")
    started = await start(client, session, "archiveContacts", filter={"flagsAny": ["vip"]})
    assert progress(started["job"]) == ("QUEUED", 0, 3, 0, 0)
    late = await create_contact(session, "Late VIP", flags=["VIP"])
    await run_worker()
    assert progress(await read_job(client, session, started["job"]["id"])) == (
        "SUCCEEDED",
        3,
        3,
        3,
        0,
    )
    statuses = await contact_statuses(session.workspace)
    assert [statuses[v.id] for v in vips] == ["archived"] * 3
    assert (statuses[other.id], statuses[late.id]) == ("active", "active")


async def test_history_written_by_a_job_names_the_job_and_who_started_it(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session(name="Ann Admin")
    bob = await create_contact(session, "Bob")
    job = (await start(client, session, "archiveContacts", ids=[contact_gid(bob)]))["job"]
    await run_worker()
    body = await gql(
        client,
        session,
        "query($id: ID!) { contact(id: $id) { history { edges { node "
        "{ kind data actorKind memberName jobId } } } } }",
        {"id": contact_gid(bob)},
    )
    newest = data_of(body)["contact"]["history"]["edges"][0]["node"]
    assert newest == {
        "kind": "STATUS_CHANGED",
        "data": {"from": "active", "to": "archived"},
        "actorKind": "JOB",
        "memberName": "Ann Admin",
        "jobId": job["id"],
    }


async def test_archived_blocked_and_stopped_contacts_leave_every_group(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(5)]
    first = await create_group(session.workspace, "First", people)
    second = await create_group(session.workspace, "Second", people[:3])
    job = (await start(client, session, "archiveContacts", ids=[contact_gid(people[0])]))["job"]
    await run_worker()
    assert (await read_job(client, session, job["id"]))["changedCount"] == 1
    for person, status in ((people[1], "BLOCKED"), (people[3], "STOPPED")):
        body = await gql(
            client,
            session,
            "mutation($id: ID!, $s: ContactStatus) { updateContact(input: {id: $id, status: $s})"
            " { __typename } }",
            {"id": contact_gid(person), "s": status},
        )
        assert data_of(body)["updateContact"]["__typename"] == "ContactUpdated"
    assert await group_state(first) == GroupState(2, frozenset({people[2].id, people[4].id}))
    assert await group_state(second) == GroupState(1, frozenset({people[2].id}))
    # Coming back to active does not bring anyone back into a group.
    restore = await start(client, session, "restoreContacts", ids=[contact_gid(people[0])])
    await run_worker()
    assert (await read_job(client, session, restore["job"]["id"]))["changedCount"] == 1
    assert await group_state(first) == GroupState(2, frozenset({people[2].id, people[4].id}))
