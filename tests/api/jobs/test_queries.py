"""Reading jobs: `job` by ID, and `jobs` newest first, filtered and paged."""

from __future__ import annotations

from typing import Any

import httpx

from core.sql import sql
from models.enums import Role
from tests.api.jobs.support import CANCEL, JOB, start
from tests.factories import (
    assert_same_statement_count,
    contact_gid,
    create_contact,
    create_session,
    data_of,
    global_id,
    gql,
)

JOBS = """
query($status: [JobStatus!], $kind: [JobKind!], $first: Int!, $after: String) {
  jobs(status: $status, kind: $kind, first: $first, after: $after) {
    edges { cursor node { id kind status createdBy } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


async def test_job_of_an_unknown_id_is_null(client: httpx.AsyncClient) -> None:
    session = await create_session()
    missing = global_id("Job", "00000000-0000-4000-8000-000000000000")
    assert data_of(await gql(client, session, JOB, {"id": missing})) == {"job": None}


async def test_a_job_id_reads_in_either_letter_case(client: httpx.AsyncClient) -> None:
    """A UUID is the same UUID in capitals, as it is for every other node."""
    session = await create_session()
    ann = await create_contact(session, "Ann")
    started = await start(client, session, "archiveContacts", ids=[contact_gid(ann)])
    job_id = started["job"]["id"]
    uuid = str(
        await sql().fetchval("SELECT uuid FROM job WHERE workspace_id = $1", session.workspace.id)
    )
    shouted = global_id("Job", uuid.upper())
    found = data_of(await gql(client, session, JOB, {"id": shouted}))["job"]
    assert found is not None and found["id"] == job_id


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
