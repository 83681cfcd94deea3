"""services.dispatch.runner: checkpointed chunks that never apply twice, whatever runs them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

import pytest

from core.sql import Sql, sql
from models.enums import ContactStatus, JobKind, JobStatus
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.filters import ContactFilter
from services.contacts.records import ContactRecord
from services.contacts.selection import ContactSelection
from services.dispatch import handlers as job_handlers
from services.dispatch import runner as job_runner
from services.jobs import control as jobs
from services.jobs.context import ChunkOutcome, JobContext, JobHandler
from tests.factories import (
    Session,
    contact_statuses,
    create_contact,
    create_session,
    run_one_chunk,
)


async def job_row(job_uuid: str) -> dict[str, Any]:
    row = await sql().fetchrow(
        """
        SELECT status, progress_done, progress_total, changed_count, skipped_count, checkpoint,
               attempts, cancel_requested, errors::text AS errors
        FROM job WHERE uuid = $1
        """,
        job_uuid,
    )
    assert row is not None
    return dict(row)


def counts(row: dict[str, Any]) -> tuple[str, int, int, int, int]:
    return (
        row["status"],
        row["progress_done"],
        row["progress_total"],
        row["changed_count"],
        row["skipped_count"],
    )


async def status_events(contacts: Sequence[ContactRecord]) -> dict[int, int]:
    rows = await sql().fetch(
        "SELECT contact_id, count(*) AS n FROM contact_event "
        "WHERE contact_id = ANY($1::bigint[]) AND kind IN ('status_changed', 'deleted') "
        "GROUP BY contact_id",
        [c.id for c in contacts],
    )
    return {r["contact_id"]: r["n"] for r in rows}


async def archive_job(session: Session, people: Sequence[ContactRecord]) -> str:
    job = await start_contact_job(
        session.caller,
        JobKind.ARCHIVE_CONTACTS,
        ContactSelection(uuids=[p.uuid for p in people]),
    )
    return str(job.uuid)


async def five_people(session: Session) -> list[ContactRecord]:
    return [await create_contact(session, f"P{i}") for i in range(5)]


async def test_a_job_runs_in_chunks_to_the_end() -> None:
    session = await create_session()
    people = await five_people(session)
    job = await archive_job(session, people)
    assert await job_runner.run_job(job, chunk_size=2) is JobStatus.SUCCEEDED
    row = await job_row(job)
    assert counts(row) == ("succeeded", 5, 5, 5, 0)
    assert (row["checkpoint"], row["attempts"]) == (max(p.id for p in people), 1)
    assert await status_events(people) == {p.id: 1 for p in people}


async def test_a_resumed_job_continues_from_its_checkpoint() -> None:
    session = await create_session()
    people = await five_people(session)
    job = await archive_job(session, people)
    assert await run_one_chunk(job, chunk_size=2) is None
    assert await run_one_chunk(job, chunk_size=2) is None
    assert counts(await job_row(job)) == ("queued", 4, 5, 4, 0)
    statuses = await contact_statuses(session.workspace)
    assert [statuses[p.id] for p in people] == ["archived"] * 4 + ["active"]
    assert await job_runner.run_job(job, chunk_size=2) is JobStatus.SUCCEEDED
    assert counts(await job_row(job)) == ("succeeded", 5, 5, 5, 0)
    assert await status_events(people) == {p.id: 1 for p in people}


async def test_running_a_finished_job_again_changes_nothing() -> None:
    session = await create_session()
    people = await five_people(session)
    job = await archive_job(session, people)
    await job_runner.run_job(job, chunk_size=2)
    before = await job_row(job)
    assert await job_runner.run_job(job, chunk_size=2) is JobStatus.SUCCEEDED
    assert await run_one_chunk(job, chunk_size=2) is JobStatus.SUCCEEDED
    assert await job_row(job) == before
    assert await status_events(people) == {p.id: 1 for p in people}


async def test_two_workers_racing_on_one_job_apply_each_chunk_once() -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(9)]
    job = await archive_job(session, people)
    results = await asyncio.gather(
        job_runner.run_job(job, chunk_size=2), job_runner.run_job(job, chunk_size=2)
    )
    assert results == [JobStatus.SUCCEEDED, JobStatus.SUCCEEDED]
    row = await job_row(job)
    assert counts(row) == ("succeeded", 9, 9, 9, 0)
    assert row["attempts"] == 2
    assert await status_events(people) == {p.id: 1 for p in people}


async def test_a_job_cancelled_while_running_stops_after_its_current_chunk() -> None:
    session = await create_session()
    people = await five_people(session)
    job = await archive_job(session, people)
    await sql().execute("UPDATE job SET status = 'running' WHERE uuid = $1", job)
    await run_one_chunk(job, chunk_size=2)
    cancelled = await jobs.cancel_job(session.caller, uuid.UUID(job))
    assert (cancelled.status, cancelled.cancel_requested) == (JobStatus.RUNNING, True)
    assert await job_runner.run_job(job, chunk_size=2) is JobStatus.CANCELLED
    assert counts(await job_row(job)) == ("cancelled", 2, 5, 2, 0)
    statuses = await contact_statuses(session.workspace)
    assert [statuses[p.id] for p in people] == ["archived"] * 2 + ["active"] * 3


async def test_a_chunk_that_fails_is_rolled_back_and_the_job_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = await create_session()
    people = await five_people(session)
    job = await archive_job(session, people)
    real = job_handlers.HANDLERS[JobKind.ARCHIVE_CONTACTS].chunk
    calls = 0

    async def breaks_on_second_chunk(tx: Sql, ctx: JobContext, ids: list[int]) -> ChunkOutcome:
        nonlocal calls
        calls += 1
        outcome = await real(tx, ctx, ids)
        if calls == 2:
            raise RuntimeError("disk on fire")
        return outcome

    monkeypatch.setitem(
        job_handlers.HANDLERS, JobKind.ARCHIVE_CONTACTS, JobHandler(breaks_on_second_chunk)
    )
    assert await job_runner.run_job(job, chunk_size=2) is JobStatus.FAILED
    row = await job_row(job)
    assert counts(row) == ("failed", 2, 5, 2, 0)
    assert "RuntimeError" in row["errors"]
    statuses = await contact_statuses(session.workspace)
    assert [statuses[p.id] for p in people] == ["archived"] * 2 + ["active"] * 3
    assert await status_events(people) == {people[0].id: 1, people[1].id: 1}


async def test_delete_job_deletes_archived_and_skips_the_rest() -> None:
    session = await create_session()
    archived = [
        await create_contact(session, f"A{i}", status=ContactStatus.ARCHIVED) for i in range(3)
    ]
    active = await create_contact(session, "Active")
    job = await start_contact_job(
        session.caller, JobKind.DELETE_CONTACTS, ContactSelection(filter=ContactFilter())
    )
    assert await job_runner.run_job(str(job.uuid), chunk_size=2) is JobStatus.SUCCEEDED
    assert counts(await job_row(str(job.uuid))) == ("succeeded", 4, 4, 3, 1)
    assert await contact_statuses(session.workspace) == {active.id: "active"}
    assert await status_events(archived) == {a.id: 1 for a in archived}


async def test_a_contact_deleted_before_its_chunk_is_skipped() -> None:
    session = await create_session()
    people = await five_people(session)
    job = await archive_job(session, people)
    await sql().execute("DELETE FROM contact WHERE id = $1", people[4].id)
    assert await job_runner.run_job(job, chunk_size=2) is JobStatus.SUCCEEDED
    assert counts(await job_row(job)) == ("succeeded", 5, 5, 4, 1)


async def test_an_unknown_job_is_none() -> None:
    assert await job_runner.run_job("00000000-0000-4000-8000-000000000000", chunk_size=2) is None
