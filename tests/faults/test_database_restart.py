"""PostgreSQL goes away under a running job and comes back, as a restart or a failover looks to
its clients (every connection dropped, new ones refused for a while): the worker survives, the
job finishes exactly once, and how long that takes is printed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from core.settings import Settings
from core.sql import sql
from models.enums import JobKind
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.selection import ContactSelection
from tests.factories import contact_statuses, create_contact, create_session
from tests.faults.workers import start_worker, stop, wait_for
from tests.proxy import database_proxy

CONTACTS = 400
OUTAGE_SECONDS = 3.0


@pytest.mark.timeout(120)
async def test_a_job_survives_the_database_going_away_and_finishes_exactly_once(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(CONTACTS)]
    log = tmp_path / "worker.log"
    async with database_proxy(settings.database_url or "") as (proxy, proxied):
        worker = start_worker(
            settings.model_copy(update={"database_url": proxied}), log=log, JOB_CHUNK_SIZE="10"
        )
        try:
            job = await start_contact_job(
                session.caller,
                JobKind.ARCHIVE_CONTACTS,
                ContactSelection(uuids=[p.uuid for p in people]),
            )

            async def started() -> bool:
                done = await sql().fetchval("SELECT progress_done FROM job WHERE id = $1", job.id)
                return bool(done and done >= 50)

            await wait_for(started, "the job's first chunks", alive=(worker,))
            await proxy.cut()
            await asyncio.sleep(OUTAGE_SECONDS)
            await proxy.restore()
            back = time.monotonic()

            async def finished() -> bool:
                status = await sql().fetchval("SELECT status FROM job WHERE id = $1", job.id)
                return bool(status == "succeeded")

            done = await wait_for(finished, "the job finishing", within=60, alive=(worker,))
        finally:
            stop(worker)
    print(f"finished {done - back:.2f} s after the database came back")
    statuses = await contact_statuses(session.workspace)
    assert set(statuses.values()) == {"archived"}
    events = await sql().fetchrow(
        "SELECT count(*) AS events, count(DISTINCT contact_id) AS contacts FROM contact_event "
        "WHERE workspace_id = $1 AND kind = 'status_changed'",
        session.workspace.id,
    )
    assert events is not None and tuple(events) == (CONTACTS, CONTACTS)
    row = await sql().fetchrow(
        "SELECT progress_done, progress_total, attempts FROM job WHERE id = $1", job.id
    )
    assert row is not None
    assert (row["progress_done"], row["progress_total"]) == (CONTACTS, CONTACTS)
    # The start the outage broke is the only one lost: the job stays well within its attempts.
    assert 1 <= row["attempts"] <= 2, row["attempts"]
