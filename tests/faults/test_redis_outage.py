"""A worker outlives Redis going away: it waits, reconnects with backoff (logging each try)
and goes on in the same process; one started while Redis is down starts working once it is
up. Each test runs its own redis-server on a free port (never the shared one)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from arq import create_pool

from core.queue import RUN_JOB, redis_settings
from core.settings import Settings
from core.sql import sql, transaction
from models.enums import JobKind
from services.jobs.control import insert_workspace_job
from tests.factories import create_workspace
from tests.faults.workers import start_worker, stop, wait_for
from tests.network import free_port

OUTAGE_SECONDS = 5


@contextlib.contextmanager
def _redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and server.poll() is None, "no redis-server"
            time.sleep(0.02)
        yield server
    finally:
        server.terminate()
        server.wait()


async def _queued_job(settings: Settings) -> str:
    """A job with nothing to do (a field's values removed in a workspace without contacts)."""
    workspace = await create_workspace()
    async with transaction() as tx:
        _, job_uuid = await insert_workspace_job(
            tx,
            workspace_id=workspace.id,
            member_id=None,
            kind=JobKind.DELETE_FIELD_VALUES,
            params={"field_uuid": str(uuid.uuid4())},
        )
    return str(job_uuid)


async def _enqueue(redis_url: str, queue: str, job_uuid: str) -> None:
    pool = await create_pool(redis_settings(redis_url), default_queue_name=queue)
    try:
        assert await pool.enqueue_job(RUN_JOB, job_uuid, _job_id=job_uuid, _queue_name=queue)
    finally:
        await pool.aclose()


async def _runs(worker: subprocess.Popen[bytes], redis_url: str, queue: str, s: Settings) -> None:
    job_uuid = await _queued_job(s)
    await _enqueue(redis_url, queue, job_uuid)

    async def done() -> bool:
        status = await sql().fetchval("SELECT status FROM job WHERE uuid = $1", job_uuid)
        return bool(status == "succeeded")

    await wait_for(done, "the worker running a job", within=20, alive=(worker,))


def _worker_env(port: int, queue: str) -> dict[str, str]:
    # The sweep would run queued jobs by itself; the queue must be what runs them here.
    return {
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "QUEUE_NAME": queue,
        "JOB_SWEEP_SECONDS": "59",
        "WORKER_RECONNECT_MAX_SECONDS": "1",
    }


async def test_a_worker_outlives_a_redis_outage_and_runs_the_next_job(
    settings: Settings, tmp_path: Path
) -> None:
    port, queue = free_port(), f"contacts:outage:{uuid.uuid4().hex[:8]}"
    redis_url = f"redis://127.0.0.1:{port}/0"
    log = tmp_path / "worker.log"
    worker = start_worker(settings, log=log, **_worker_env(port, queue))
    try:
        with _redis_server(port):

            async def up() -> bool:
                return "Starting worker" in log.read_text(errors="replace")

            await wait_for(up, "the worker starting", alive=(worker,))
            await _runs(worker, redis_url, queue, settings)
        # Redis is gone for a while.
        await asyncio.sleep(OUTAGE_SECONDS)
        assert worker.poll() is None, f"the worker exited during the outage ({worker.returncode})"
        with _redis_server(port):
            await _runs(worker, redis_url, queue, settings)
            text = log.read_text(errors="replace")
            assert "the worker lost Redis" in text
            assert "Redis still unreachable (try 1:" in text
            assert "Redis is back after" in text
            assert worker.poll() is None
    finally:
        stop(worker)


async def test_a_worker_started_while_redis_is_down_starts_once_it_is_up(
    settings: Settings, tmp_path: Path
) -> None:
    port, queue = free_port(), f"contacts:outage:{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = start_worker(settings, log=log, **_worker_env(port, queue))
    try:

        async def trying() -> bool:
            return "Redis still unreachable (try 2:" in log.read_text(errors="replace")

        await wait_for(trying, "the worker retrying", alive=(worker,))
        with _redis_server(port):
            await _runs(worker, f"redis://127.0.0.1:{port}/0", queue, settings)
            assert "Redis is back after" in log.read_text(errors="replace")
    finally:
        stop(worker)
