"""A worker running a job keeps the job's heartbeat fresh however long a step takes."""

from __future__ import annotations

import asyncio
from datetime import datetime

from core.sql import sql
from models.enums import JobKind
from services.contacts.bulk_jobs import start_contact_job
from services.contacts.selection import ContactSelection
from services.jobs import control as jobs
from tests.factories import create_contact, create_session


async def _heartbeat_of(job_uuid: str) -> datetime | None:
    value: datetime | None = await sql().fetchval(
        "SELECT heartbeat_on FROM job WHERE uuid = $1", job_uuid
    )
    return value


async def test_the_heartbeat_beats_while_the_block_runs_and_stops_after() -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    job = await start_contact_job(
        session.caller, JobKind.ARCHIVE_CONTACTS, ContactSelection(uuids=[ann.uuid])
    )
    job_uuid = str(job.uuid)
    await sql().execute(
        "UPDATE job SET status = 'running', heartbeat_on = now() - interval '1 hour' "
        "WHERE uuid = $1",
        job_uuid,
    )
    stale = await _heartbeat_of(job_uuid)

    async with jobs.heartbeat(job_uuid, every=0.02):
        await asyncio.sleep(0.1)  # one long step
        during = await _heartbeat_of(job_uuid)
    after = await _heartbeat_of(job_uuid)
    await asyncio.sleep(0.1)

    assert stale is not None and during is not None
    assert (during - stale).total_seconds() > 3000
    assert await _heartbeat_of(job_uuid) == after
