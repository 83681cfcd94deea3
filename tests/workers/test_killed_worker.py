"""A worker process killed in the middle of an import's commit: the sweep hands the job back
and the next worker finishes it, every row imported exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.settings import Settings
from core.sql import sql
from services.imports import store
from services.imports.groups import GroupRef
from services.imports.lifecycle import confirm_import
from services.imports.records import ImportStatus
from tests.conftest import RunWorker
from tests.factories import assert_group_counts_exact, create_session
from tests.services.imports.support import validate
from workers.tasks import sweep_jobs

ROWS = 5000
ROOT = Path(__file__).resolve().parents[2]
WORKER = (
    "import asyncio; from core.settings import get_settings; "
    "from workers.runner import run_worker; asyncio.run(run_worker(get_settings()))"
)


def _start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
        "QUEUE_NAME": settings.queue_name,
        "JOB_CHUNK_SIZE": "100",
        "JOB_SWEEP_SECONDS": "59",
    }
    return subprocess.Popen(
        [sys.executable, "-c", WORKER],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _created_count(import_id: int) -> int:
    count: int = await sql().fetchval(
        "SELECT created_count FROM contact_import WHERE id = $1", import_id
    )
    return count


async def test_a_killed_worker_leaves_a_commit_the_next_worker_finishes_exactly_once(
    run_worker: RunWorker, settings: Settings
) -> None:
    session = await create_session()
    text = "name,phone\n" + "".join(f"P{i},+25078{i:07d}\n" for i in range(ROWS))
    record = await validate(session, run_worker, text, group=GroupRef(name="Imported"))
    assert record.counts.valid_rows == ROWS
    confirmed = await confirm_import(session.caller, record.uuid)

    worker = _start_worker(settings)
    try:
        deadline = time.monotonic() + 60
        while await _created_count(record.id) == 0:
            assert time.monotonic() < deadline, "the worker never committed a chunk"
            assert worker.poll() is None, "the worker exited"
            await asyncio.sleep(0.01)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    killed = await store.get_import_by_id(record.id)
    assert killed.status is ImportStatus.COMMITTING
    assert 0 < killed.counts.created < ROWS
    # Nothing beats for the dead worker; once that lasts, the sweep hands the job back.
    await sql().execute(
        "UPDATE job SET heartbeat_on = now() - interval '10 minutes' WHERE id = $1",
        confirmed.job.id,
    )
    assert await sweep_jobs({"settings": settings}) >= 1
    await run_worker()

    done = await store.get_import_by_id(record.id)
    assert done.status is ImportStatus.COMMITTED
    assert done.counts.created == ROWS
    contacts = await sql().fetchval(
        "SELECT count(DISTINCT u.path) FILTER (WHERE u.scheme = 'tel') || '/' || count(*) "
        "FROM contact c JOIN contact_urn u ON u.contact_id = c.id WHERE c.workspace_id = $1",
        session.workspace.id,
    )
    assert contacts == f"{ROWS}/{ROWS}"
    events = await sql().fetchval(
        "SELECT count(*) FROM contact_event WHERE workspace_id = $1 AND kind = 'created'",
        session.workspace.id,
    )
    assert events == ROWS
    await assert_group_counts_exact(session.workspace)
    job = await sql().fetchrow(
        "SELECT status, progress_done, progress_total FROM job WHERE id = $1", confirmed.job.id
    )
    assert job is not None
    assert tuple(job) == ("succeeded", ROWS, ROWS)
