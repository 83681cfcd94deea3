"""The real arq worker (burst mode) running jobs, the sweep, and re-runs that never double-apply."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import pytest

from core.queue import close_queue, enqueue_job, open_queue, queue_pool
from core.settings import Settings
from core.sql import sql
from models.enums import JobKind
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.records import ContactRecord
from services.contacts.selection import ContactSelection
from tests.conftest import RunWorker
from tests.factories import Session, contact_statuses, create_contact, create_session, run_one_chunk
from workers.tasks import sweep_jobs


async def job_counts(job_uuid: str) -> tuple[str, int, int, int, int]:
    row = await sql().fetchrow(
        "SELECT status, progress_done, progress_total, changed_count, skipped_count "
        "FROM job WHERE uuid = $1",
        job_uuid,
    )
    assert row is not None
    return (
        row["status"],
        row["progress_done"],
        row["progress_total"],
        row["changed_count"],
        row["skipped_count"],
    )


async def event_counts(people: Sequence[ContactRecord]) -> dict[int, int]:
    rows = await sql().fetch(
        "SELECT contact_id, count(*) AS n FROM contact_event "
        "WHERE contact_id = ANY($1::bigint[]) AND kind = 'status_changed' GROUP BY contact_id",
        [p.id for p in people],
    )
    return {r["contact_id"]: r["n"] for r in rows}


async def start_archive(session: Session, people: Sequence[ContactRecord]) -> str:
    job = await start_contact_job(
        session.caller,
        JobKind.ARCHIVE_CONTACTS,
        ContactSelection(uuids=[p.uuid for p in people]),
    )
    return str(job.uuid)


@pytest.fixture
async def redis_down(settings: Settings) -> AsyncIterator[None]:
    """The app cannot reach Redis until the test calls `redis_back`; reopened whatever happens."""
    await close_queue()
    try:
        yield
    finally:
        if queue_pool() is None:
            await open_queue(settings.redis_url or "", settings.queue_name)


async def redis_back(settings: Settings) -> None:
    await open_queue(settings.redis_url or "", settings.queue_name)


def sweep_context(settings: Settings) -> dict[str, Any]:
    return {"settings": settings.model_copy(update={"job_sweep_seconds": 0})}


async def test_the_worker_runs_a_job_in_chunks_to_the_end(run_worker: RunWorker) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(7)]
    job = await start_archive(session, people)
    await run_worker(job_chunk_size=3)
    assert await job_counts(job) == ("succeeded", 7, 7, 7, 0)
    assert await event_counts(people) == {p.id: 1 for p in people}


async def test_the_sweep_enqueues_a_job_that_redis_never_got(
    client: httpx.AsyncClient, run_worker: RunWorker, settings: Settings, redis_down: None
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(3)]
    job = await start_archive(session, people)  # commits, but the enqueue fails
    health = await client.get("/healthz")
    assert (health.status_code, health.json()) == (
        503,
        {"status": "degraded", "database": True, "redis": False},
    )
    await redis_back(settings)
    await run_worker()
    assert await job_counts(job) == ("queued", 0, 3, 0, 0)  # Redis never heard of it
    assert await sweep_jobs(sweep_context(settings)) >= 1
    await run_worker()
    assert await job_counts(job) == ("succeeded", 3, 3, 3, 0)
    assert await contact_statuses(session.workspace) == {p.id: "archived" for p in people}


async def test_the_sweep_resumes_a_job_whose_worker_died(
    run_worker: RunWorker, settings: Settings, redis_down: None
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(5)]
    job = await start_archive(session, people)
    # A worker took the job, committed one chunk and died ten minutes ago.
    await sql().execute(
        "UPDATE job SET status = 'running', started_on = now() - interval '10 minutes', "
        "attempts = 1 WHERE uuid = $1",
        job,
    )
    assert await run_one_chunk(job, chunk_size=2) is None
    await sql().execute(
        "UPDATE job SET heartbeat_on = now() - interval '10 minutes' WHERE uuid = $1", job
    )
    await redis_back(settings)
    assert await sweep_jobs(sweep_context(settings)) >= 1
    await run_worker(job_chunk_size=2)
    assert await job_counts(job) == ("succeeded", 5, 5, 5, 0)
    assert await event_counts(people) == {p.id: 1 for p in people}


async def test_a_job_resumed_from_a_checkpoint_never_applies_a_chunk_twice(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(5)]
    job = await start_archive(session, people)
    assert await run_one_chunk(job, chunk_size=2) is None
    assert await job_counts(job) == ("queued", 2, 5, 2, 0)
    await run_worker(job_chunk_size=2)
    assert await job_counts(job) == ("succeeded", 5, 5, 5, 0)
    assert await event_counts(people) == {p.id: 1 for p in people}


async def test_a_job_delivered_again_after_it_finished_changes_nothing(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(4)]
    job = await start_archive(session, people)
    await run_worker(job_chunk_size=2)
    finished_on = await sql().fetchval("SELECT finished_on FROM job WHERE uuid = $1", job)
    assert await enqueue_job(job)  # a retry, or the sweep racing the worker
    await run_worker(job_chunk_size=2)
    assert await job_counts(job) == ("succeeded", 4, 4, 4, 0)
    assert await sql().fetchval("SELECT finished_on FROM job WHERE uuid = $1", job) == finished_on
    assert await event_counts(people) == {p.id: 1 for p in people}


async def test_the_healthy_service_reports_database_and_redis(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": True, "redis": True},
    )
