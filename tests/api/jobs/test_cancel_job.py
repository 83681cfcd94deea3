"""cancelJob: a queued job stops at once, a running one after its chunk, a finished one cannot."""

from __future__ import annotations

import httpx

from core.sql import sql
from tests.api.jobs.support import CANCEL, progress, read_job, start
from tests.conftest import RunWorker
from tests.factories import (
    contact_gid,
    contact_statuses,
    create_contact,
    create_session,
    data_of,
    global_id,
    gql,
    job_uuid,
    run_one_chunk,
)


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
