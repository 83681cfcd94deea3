"""Workers killed for real (SIGKILL) in the middle of a chunk: a job is started at most
JOB_MAX_ATTEMPTS times and then fails with its reason; one killed fewer times finishes exactly
once; a chunk slower than the stale threshold is not taken for a dead worker; a dead worker's
job runs again elsewhere within about the stale threshold plus the sweep interval."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from core.settings import Settings
from core.sql import sql
from models.enums import ContactStatus, JobKind
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.records import ContactRecord
from services.contacts.selection import ContactSelection
from services.dispatch.runner import gave_up_message
from tests.factories import Session, contact_statuses, create_contact, create_session
from tests.faults.workers import FAST, start_worker, stop, wait_for

STALE = float(FAST["JOB_STALE_SECONDS"])
SWEEP = float(FAST["JOB_SWEEP_SECONDS"])


async def _job(job_uuid: str) -> dict[str, Any]:
    row = await sql().fetchrow(
        "SELECT status, attempts, progress_done, errors::text AS errors FROM job WHERE uuid = $1",
        job_uuid,
    )
    assert row is not None
    return dict(row)


async def _archive(
    session: Session, people: list[ContactRecord], kind: JobKind = JobKind.ARCHIVE_CONTACTS
) -> str:
    job = await start_contact_job(
        session.caller, kind, ContactSelection(uuids=[p.uuid for p in people])
    )
    return str(job.uuid)


@contextlib.asynccontextmanager
async def _row_lock(settings: Settings, contact_id: int) -> AsyncIterator[asyncpg.Connection]:
    """Holds a contact's row locked, so a chunk that changes it waits: a slow chunk, for real."""
    url = (settings.database_url or "").replace("postgres://", "postgresql://", 1)
    conn = await asyncpg.connect(url)
    tx = conn.transaction()
    await tx.start()
    await conn.execute("SELECT 1 FROM contact WHERE id = $1 FOR UPDATE", contact_id)
    try:
        yield conn
    finally:
        with contextlib.suppress(asyncpg.PostgresError):
            await tx.rollback()
        await conn.close()


async def _waiting_on(holder: asyncpg.Connection) -> list[int]:
    """The backends waiting for the holder's lock."""
    pids: list[int] = [
        r["pid"]
        for r in await sql().fetch(
            "SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
            holder.get_server_pid(),
        )
    ]
    return pids


async def _kill_mid_chunk(
    settings: Settings, holder: asyncpg.Connection, job_uuid: str, attempt: int
) -> None:
    """Starts a worker, waits until its chunk waits on the held row, and SIGKILLs it. The dead
    worker's backend, stuck on the lock, is ended as PostgreSQL ends it once the lock goes."""
    worker = start_worker(settings)
    try:

        async def stuck() -> bool:
            return (await _job(job_uuid))["attempts"] == attempt and bool(await _waiting_on(holder))

        await wait_for(stuck, f"start {attempt} waiting on the row", alive=(worker,))
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    for pid in await _waiting_on(holder):
        await sql().execute("SELECT pg_terminate_backend($1)", pid)


async def test_a_job_killed_past_the_cap_fails_with_its_reason_and_one_killed_less_finishes_once(
    settings: Settings,
) -> None:
    session = await create_session()
    capped = [await create_contact(session, f"C{i}") for i in range(3)]
    spared = [await create_contact(session, f"S{i}") for i in range(3)]
    capped_job = await _archive(session, capped)
    async with _row_lock(settings, capped[0].id) as holder:
        for attempt in (1, 2, 3):
            await _kill_mid_chunk(settings, holder, capped_job, attempt)
        worker = start_worker(settings)
        try:

            async def ended() -> bool:
                return (await _job(capped_job))["status"] == "failed"

            await wait_for(ended, "the capped job failing", alive=(worker,))
        finally:
            stop(worker)
    failed = await _job(capped_job)
    assert failed["attempts"] == 4
    assert [e["message"] for e in json.loads(failed["errors"])] == [gave_up_message(3)]
    statuses = await contact_statuses(session.workspace)
    assert {statuses[p.id] for p in capped} == {"active"}

    spared_job = await _archive(session, spared)
    async with _row_lock(settings, spared[0].id) as holder:
        for attempt in (1, 2):
            await _kill_mid_chunk(settings, holder, spared_job, attempt)
    worker = start_worker(settings)
    try:

        async def done() -> bool:
            return (await _job(spared_job))["status"] == "succeeded"

        await wait_for(done, "the spared job finishing", alive=(worker,))
    finally:
        stop(worker)
    finished = await _job(spared_job)
    assert (finished["attempts"], finished["progress_done"]) == (3, 3)
    statuses = await contact_statuses(session.workspace)
    assert {statuses[p.id] for p in spared} == {"archived"}
    changes = await sql().fetchval(
        "SELECT count(*) FROM contact_event WHERE contact_id = ANY($1::bigint[]) "
        "AND kind = 'status_changed'",
        [p.id for p in spared],
    )
    assert changes == len(spared)


async def test_a_chunk_slower_than_the_stale_threshold_is_not_handed_to_another_worker(
    settings: Settings,
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(3)]
    workers = [start_worker(settings), start_worker(settings)]
    try:
        job_uuid = await _archive(session, people)
        async with _row_lock(settings, people[0].id) as holder:

            async def stuck() -> bool:
                return bool(await _waiting_on(holder))

            await wait_for(stuck, "the chunk waiting on the row", alive=tuple(workers))
            # Three times the threshold, with both workers sweeping every second meanwhile.
            await asyncio.sleep(3 * STALE + 2 * SWEEP)
            assert (await _job(job_uuid))["attempts"] == 1
            assert len(await _waiting_on(holder)) == 1

        async def done() -> bool:
            return (await _job(job_uuid))["status"] == "succeeded"

        await wait_for(done, "the job finishing", alive=tuple(workers))
    finally:
        stop(*workers)
    assert (await _job(job_uuid))["attempts"] == 1


@pytest.mark.parametrize(
    ("kind", "status", "event"),
    [
        (JobKind.ARCHIVE_CONTACTS, ContactStatus.ACTIVE, "status_changed"),
        (JobKind.DELETE_CONTACTS, ContactStatus.ARCHIVED, "deleted"),
    ],
    ids=["archive", "delete"],
)
async def test_a_killed_workers_job_runs_again_elsewhere_within_the_threshold_and_a_sweep(
    settings: Settings, tmp_path: Path, kind: JobKind, status: ContactStatus, event: str
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}", status=status) for i in range(300)]
    first = start_worker(settings, JOB_CHUNK_SIZE="1")
    second: Any = None
    try:
        # The first worker is held at the sixth contact while the second one starts.
        async with _row_lock(settings, people[5].id) as holder:
            job_uuid = await _archive(session, people, kind)

            async def held() -> bool:
                return bool(await _waiting_on(holder))

            await wait_for(held, "the first worker's sixth chunk", alive=(first,))
            log = tmp_path / "second.log"
            second = start_worker(settings, log=log, JOB_CHUNK_SIZE="1")

            async def up() -> bool:
                return "Starting worker" in log.read_text(errors="replace")

            await wait_for(up, "the second worker starting", alive=(first, second))

        async def working() -> bool:
            return int((await _job(job_uuid))["progress_done"]) >= 8

        await wait_for(working, "the first worker's next chunks", alive=(first,))
        first.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        first.wait()
        assert (await _job(job_uuid))["status"] == "running"

        async def resumed() -> bool:
            return int((await _job(job_uuid))["attempts"]) == 2

        resumed_at = await wait_for(resumed, "the job running again", alive=(second,))

        async def done() -> bool:
            return (await _job(job_uuid))["status"] == "succeeded"

        await wait_for(done, "the job finishing", alive=(second,))
    finally:
        stop(first, *([second] if second else []))
    recovery = resumed_at - killed_at
    print(f"recovery after SIGKILL: {recovery:.2f} s (stale {STALE} s, sweep {SWEEP} s)")
    # A loaded machine starts and runs processes slowly: margin, still far below the old 300 s.
    assert recovery < STALE + SWEEP + 4.0
    statuses = await contact_statuses(session.workspace)
    if kind is JobKind.ARCHIVE_CONTACTS:
        assert {statuses[p.id] for p in people} == {"archived"}
    else:
        assert statuses == {}
    changes = await sql().fetchrow(
        "SELECT count(*) AS events, count(DISTINCT contact_id) AS contacts FROM contact_event "
        "WHERE contact_id = ANY($1::bigint[]) AND kind = $2",
        [p.id for p in people],
        event,
    )
    assert changes is not None and tuple(changes) == (len(people), len(people))
