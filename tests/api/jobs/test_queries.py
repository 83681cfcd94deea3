"""Bulk jobs through the API: selections, the worker, progress, listing, cancelling, groups."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.sql import sql
from models.enums import ContactStatus, Role
from services.editing import contacts
from tests.conftest import RunWorker
from tests.factories import (
    GroupState,
    Session,
    assert_same_statement_count,
    contact_gid,
    contact_statuses,
    create_contact,
    create_group,
    create_session,
    create_workspace,
    data_of,
    event_rows,
    global_id,
    gql,
    group_state,
    job_uuid,
    run_one_chunk,
    workspace_snapshot,
)

JOB_FIELDS = """
    id kind status progress { done total percent } changedCount skippedCount
    errors { message } cancelRequested createdBy startedOn finishedOn
"""


def bulk(mutation: str) -> str:
    return f"""
    mutation($ids: [ID!], $filter: ContactFilterInput) {{
      {mutation}(selection: {{ids: $ids, filter: $filter}}) {{
        __typename
        ... on JobStarted {{ job {{ {JOB_FIELDS} }} }}
        ... on UserError {{ message code field }}
      }}
    }}
    """


DELETE_ALL = f"""
mutation($confirmation: String!) {{
  deleteAllContacts(confirmation: $confirmation) {{
    __typename
    ... on JobStarted {{ job {{ {JOB_FIELDS} }} }}
    ... on UserError {{ message code field }}
  }}
}}
"""

JOB = f"query($id: ID!) {{ job(id: $id) {{ {JOB_FIELDS} }} }}"

CANCEL = f"""
mutation($id: ID!) {{
  cancelJob(id: $id) {{
    __typename
    ... on JobCancelled {{ job {{ {JOB_FIELDS} }} }}
    ... on UserError {{ message code field }}
  }}
}}
"""

JOBS = """
query($status: [JobStatus!], $kind: [JobKind!], $first: Int!, $after: String) {
  jobs(status: $status, kind: $kind, first: $first, after: $after) {
    edges { cursor node { id kind status createdBy } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


async def start(
    client: httpx.AsyncClient,
    session: Session,
    mutation: str,
    *,
    ids: list[str] | None = None,
    filter: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = await gql(client, session, bulk(mutation), {"ids": ids, "filter": filter})
    result: dict[str, Any] = data_of(body)[mutation]
    return result


async def read_job(client: httpx.AsyncClient, session: Session, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = data_of(await gql(client, session, JOB, {"id": job_id}))["job"]
    return job


def progress(job: dict[str, Any]) -> tuple[str, int, int, int, int]:
    """status, done, total, changed, skipped."""
    return (
        job["status"],
        job["progress"]["done"],
        job["progress"]["total"],
        job["changedCount"],
        job["skippedCount"],
    )


# --- selections --------------------------------------------------------------------------------


@pytest.mark.parametrize("mutation", ["archiveContacts", "restoreContacts", "deleteContacts"])
@pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
async def test_selection_needs_exactly_one_of_ids_or_filter(
    client: httpx.AsyncClient, mutation: str, both: bool
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    before = await workspace_snapshot(session.workspace)
    if both:
        result = await start(client, session, mutation, ids=[contact_gid(ann)], filter={})
    else:
        result = await start(client, session, mutation)
    assert result == {
        "__typename": "ValidationError",
        "message": "Give either `ids` or `filter`, not both or neither.",
        "code": "INVALID",
        "field": "selection",
    }
    assert await workspace_snapshot(session.workspace) == before


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


async def test_restore_only_restores_archived_contacts(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    archived = [
        await create_contact(session, f"A{i}", status=ContactStatus.ARCHIVED) for i in range(2)
    ]
    blocked = await create_contact(session, "Blocked", status=ContactStatus.BLOCKED)
    active = await create_contact(session, "Active")
    started = await start(
        client,
        session,
        "restoreContacts",
        ids=[contact_gid(c) for c in [*archived, blocked, active]],
    )
    assert started["job"]["kind"] == "RESTORE_CONTACTS"
    await run_worker()
    assert progress(await read_job(client, session, started["job"]["id"])) == (
        "SUCCEEDED",
        4,
        4,
        2,
        2,
    )
    statuses = await contact_statuses(session.workspace)
    assert [statuses[c.id] for c in [*archived, blocked, active]] == [
        "active",
        "active",
        "blocked",
        "active",
    ]


async def test_delete_contacts_deletes_only_the_archived_ones(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    archived = [
        await create_contact(
            session, f"A{i}", urns=[f"tel:078800000{i}"], status=ContactStatus.ARCHIVED
        )
        for i in range(2)
    ]
    active = await create_contact(session, "Active")
    blocked = await create_contact(session, "Blocked", status=ContactStatus.BLOCKED)
    started = await start(
        client, session, "deleteContacts", filter={"status": ["ARCHIVED", "ACTIVE", "BLOCKED"]}
    )
    assert progress(started["job"]) == ("QUEUED", 0, 4, 0, 0)
    await run_worker()
    assert progress(await read_job(client, session, started["job"]["id"])) == (
        "SUCCEEDED",
        4,
        4,
        2,
        2,
    )
    assert await contact_statuses(session.workspace) == {
        active.id: "active",
        blocked.id: "blocked",
    }
    events = await event_rows(archived[0])
    assert [e["kind"] for e in events] == ["created", "deleted"]
    assert events[-1]["data"] == {"name": "A0", "urns": ["tel:+250788000000"], "flags": []}
    assert events[-1]["actor_kind"] == "job"


async def test_delete_all_contacts_with_the_exact_phrase_deletes_every_status(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session(await create_workspace("Acme Corp"))
    for status in ContactStatus:
        await create_contact(session, status.value, status=status)
    result = data_of(
        await gql(client, session, DELETE_ALL, {"confirmation": "delete all contacts in Acme Corp"})
    )["deleteAllContacts"]
    assert result["__typename"] == "JobStarted", result
    assert result["job"]["kind"] == "DELETE_ALL_CONTACTS"
    assert progress(result["job"]) == ("QUEUED", 0, 4, 0, 0)
    await run_worker()
    assert progress(await read_job(client, session, result["job"]["id"])) == (
        "SUCCEEDED",
        4,
        4,
        4,
        0,
    )
    assert await contact_statuses(session.workspace) == {}


@pytest.mark.parametrize(
    "phrase", ["delete all contacts", "delete all contacts in Other", "yes", ""]
)
async def test_delete_all_contacts_with_a_wrong_phrase_queues_nothing(
    client: httpx.AsyncClient, phrase: str
) -> None:
    session = await create_session(await create_workspace("Acme Corp"))
    await create_contact(session, "Ann")
    before = await workspace_snapshot(session.workspace)
    result = data_of(await gql(client, session, DELETE_ALL, {"confirmation": phrase}))
    assert result["deleteAllContacts"] == {
        "__typename": "ConfirmationError",
        "message": 'To delete every contact, type exactly: "delete all contacts in Acme Corp".',
        "code": "CONFIRMATION_MISMATCH",
        "field": "confirmation",
    }
    assert await workspace_snapshot(session.workspace) == before


# --- reading jobs ------------------------------------------------------------------------------


async def test_job_of_an_unknown_id_is_null(client: httpx.AsyncClient) -> None:
    session = await create_session()
    missing = global_id("Job", "00000000-0000-4000-8000-000000000000")
    assert data_of(await gql(client, session, JOB, {"id": missing})) == {"job": None}


async def test_jobs_are_listed_newest_first_and_page(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    kinds = ["archiveContacts", "restoreContacts", "archiveContacts", "deleteContacts"] * 2
    started = [
        (await start(client, session, kind, ids=[contact_gid(ann)]))["job"]["id"] for kind in kinds
    ]
    seen: list[str] = []
    sizes: list[int] = []
    after = None
    while True:
        body = await gql(client, session, JOBS, {"first": 3, "after": after})
        jobs = data_of(body)["jobs"]
        seen += [e["node"]["id"] for e in jobs["edges"]]
        sizes.append(len(jobs["edges"]))
        assert jobs["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not jobs["pageInfo"]["hasNextPage"]:
            break
        after = jobs["pageInfo"]["endCursor"]
    assert sizes == [3, 3, 2]
    assert seen == list(reversed(started))

    body = await gql(client, session, JOBS, {"first": 20, "kind": ["ARCHIVE_CONTACTS"]})
    archive_ids = [e["node"]["id"] for e in data_of(body)["jobs"]["edges"]]
    assert archive_ids == [
        j for k, j in reversed(list(zip(kinds, started, strict=True))) if k == "archiveContacts"
    ]


async def test_jobs_created_at_the_same_instant_still_page_once_each(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    started = [
        (await start(client, session, "archiveContacts", ids=[contact_gid(ann)]))["job"]["id"]
        for _ in range(5)
    ]
    await sql().execute(
        "UPDATE job SET created_on = '2024-03-01T08:00:00.123456+00' WHERE workspace_id = $1",
        session.workspace.id,
    )
    seen: list[str] = []
    after = None
    for _ in range(5):
        jobs = data_of(await gql(client, session, JOBS, {"first": 2, "after": after}))["jobs"]
        seen += [e["node"]["id"] for e in jobs["edges"]]
        if not jobs["pageInfo"]["hasNextPage"]:
            break
        after = jobs["pageInfo"]["endCursor"]
    assert seen == list(reversed(started))


async def test_jobs_filter_by_status(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    first = (await start(client, session, "archiveContacts", ids=[contact_gid(ann)]))["job"]
    second = (await start(client, session, "archiveContacts", ids=[contact_gid(ann)]))["job"]
    await gql(client, session, CANCEL, {"id": first["id"]})
    for status, expected in (("CANCELLED", [first["id"]]), ("QUEUED", [second["id"]])):
        body = await gql(client, session, JOBS, {"first": 20, "status": [status]})
        assert [e["node"]["id"] for e in data_of(body)["jobs"]["edges"]] == expected


async def test_jobs_list_costs_the_same_queries_for_one_or_many(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    query = "{ jobs(first: 50) { edges { node { id status createdBy progress { done } } } } }"
    await start(client, session, "archiveContacts", ids=[contact_gid(ann)])
    await gql(client, session, "{ me { member { name } } }")
    with count_queries() as one:
        body = await gql(client, session, query)
    assert len(data_of(body)["jobs"]["edges"]) == 1
    for i in range(11):
        editor = await create_session(session.workspace, role=Role.EDITOR, name=f"Editor {i}")
        await start(client, editor, "archiveContacts", ids=[contact_gid(ann)])
    with count_queries() as many:
        body = await gql(client, session, query)
    edges = data_of(body)["jobs"]["edges"]
    assert [e["node"]["createdBy"] for e in edges] == [
        *(f"Editor {i}" for i in reversed(range(11))),
        "Ann",
    ]
    assert_same_statement_count(one, many)


# --- cancelling --------------------------------------------------------------------------------


async def test_cancel_a_queued_job_stops_it_at_once(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    job = (await start(client, session, "archiveContacts", ids=[contact_gid(ann)]))["job"]
    cancelled = data_of(await gql(client, session, CANCEL, {"id": job["id"]}))["cancelJob"]
    assert cancelled["__typename"] == "JobCancelled"
    assert progress(cancelled["job"]) == ("CANCELLED", 0, 1, 0, 0)
    assert cancelled["job"]["cancelRequested"] is True
    assert cancelled["job"]["finishedOn"] is not None
    await run_worker()
    assert progress(await read_job(client, session, job["id"])) == ("CANCELLED", 0, 1, 0, 0)
    assert await contact_statuses(session.workspace) == {ann.id: "active"}


async def test_cancel_a_running_job_stops_it_after_its_current_chunk(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(5)]
    job = (await start(client, session, "archiveContacts", ids=[contact_gid(p) for p in people]))[
        "job"
    ]
    await sql().execute(
        "UPDATE job SET status = 'running', started_on = now() WHERE uuid = $1",
        job_uuid(job["id"]),
    )
    # The chunk the worker is busy with when the cancel arrives.
    assert await run_one_chunk(job_uuid(job["id"]), chunk_size=2) is None
    cancelled = data_of(await gql(client, session, CANCEL, {"id": job["id"]}))["cancelJob"]
    assert cancelled["__typename"] == "JobCancelled"
    assert progress(cancelled["job"]) == ("RUNNING", 2, 5, 2, 0)
    assert cancelled["job"]["cancelRequested"] is True
    await run_worker(job_chunk_size=2)
    assert progress(await read_job(client, session, job["id"])) == ("CANCELLED", 2, 5, 2, 0)
    statuses = await contact_statuses(session.workspace)
    assert [statuses[p.id] for p in people] == ["archived"] * 2 + ["active"] * 3


async def test_cancel_a_finished_job_is_an_invalid_state(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    job = (await start(client, session, "archiveContacts", ids=[contact_gid(ann)]))["job"]
    await run_worker()
    result = data_of(await gql(client, session, CANCEL, {"id": job["id"]}))["cancelJob"]
    assert result == {
        "__typename": "InvalidStateError",
        "message": "The job has already succeeded.",
        "code": "INVALID_STATE",
        "field": "id",
    }
    again = data_of(await gql(client, session, CANCEL, {"id": job["id"]}))["cancelJob"]
    assert again["__typename"] == "InvalidStateError"


async def test_cancel_an_unknown_job_is_not_found(client: httpx.AsyncClient) -> None:
    session = await create_session()
    missing = global_id("Job", "00000000-0000-4000-8000-000000000000")
    assert data_of(await gql(client, session, CANCEL, {"id": missing}))["cancelJob"] == {
        "__typename": "NotFoundError",
        "message": "No such job.",
        "code": "NOT_FOUND",
        "field": "id",
    }


# --- history and groups ------------------------------------------------------------------------


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


async def test_deleting_contacts_keeps_group_counts_exact(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(4)]
    group = await create_group(session.workspace, "Group", people)
    # Archived contacts normally leave groups; put two back by hand to prove deletion counts.
    for person in people[:3]:
        await contacts.update_contact(
            session.caller, person.uuid, contacts.ContactPatch(status=ContactStatus.ARCHIVED)
        )
    await sql().execute(
        "INSERT INTO group_contact (workspace_id, group_id, contact_id) VALUES ($1, $2, $3), "
        "($1, $2, $4)",
        session.workspace.id,
        group,
        people[0].id,
        people[1].id,
    )
    await sql().execute("UPDATE contact_group SET member_count = 3 WHERE id = $1", group)
    job = (await start(client, session, "deleteContacts", ids=[contact_gid(p) for p in people]))[
        "job"
    ]
    await run_worker()
    assert progress(await read_job(client, session, job["id"])) == ("SUCCEEDED", 4, 4, 3, 1)
    assert await group_state(group) == GroupState(1, frozenset({people[3].id}))
