"""An import whose job was started as many times as JOB_MAX_ATTEMPTS allows (each start's
worker died) ends failed with the job's reason when a worker takes it once more; before, the
job was retried without end and the import stayed `validating`."""

from __future__ import annotations

import json

from core.sql import sql
from services.dispatch.runner import gave_up_message
from services.imports import store
from services.imports.records import ImportStatus
from tests.conftest import RunWorker
from tests.factories import create_session
from tests.services.imports.support import upload


async def test_an_import_whose_job_stopped_too_often_fails_with_the_jobs_reason(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    started = await upload(session, "name,phone\nAnn,+250788000001\n")
    # What three workers killed while validating leave behind: the job running, started 3 times.
    await sql().execute(
        "UPDATE job SET status = 'running', attempts = 3, started_on = now() WHERE id = $1",
        started.job.id,
    )
    await run_worker(job_max_attempts=3)

    job = await sql().fetchrow(
        "SELECT status, attempts, errors::text AS errors FROM job WHERE id = $1", started.job.id
    )
    assert job is not None
    assert (job["status"], job["attempts"]) == ("failed", 4)
    assert [e["message"] for e in json.loads(job["errors"])] == [gave_up_message(3)]
    record = await store.get_import_by_id(started.record.id)
    assert (record.status, record.failure) == (ImportStatus.FAILED, gave_up_message(3))
