"""Real worker processes for the fault tests: started with small job timings, killed for real."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
WORKER = (
    "import asyncio, logging; logging.basicConfig(level=logging.INFO); "
    "from core.settings import get_settings; "
    "from workers.runner import run_worker; asyncio.run(run_worker(get_settings()))"
)
# Small timings, so a death is seen in about a second.
FAST = {
    "JOB_HEARTBEAT_SECONDS": "0.2",
    "JOB_STALE_SECONDS": "1",
    "JOB_SWEEP_SECONDS": "1",
    "JOB_MAX_ATTEMPTS": "3",
}


def start_worker(
    settings: Settings, *, log: Path | None = None, **env: str
) -> subprocess.Popen[bytes]:
    with contextlib.ExitStack() as files:
        out = files.enter_context(log.open("ab")) if log else subprocess.DEVNULL
        return subprocess.Popen(
            [sys.executable, "-c", WORKER],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": settings.database_url or "",
                "REDIS_URL": settings.redis_url or "",
                "QUEUE_NAME": settings.queue_name,
                **FAST,
                **env,
            },
            stdout=out,
            stderr=out,
        )


def stop(*workers: subprocess.Popen[bytes]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait()


async def wait_for(
    check: Callable[[], Awaitable[bool]],
    what: str,
    *,
    within: float = 30,
    alive: tuple[subprocess.Popen[bytes], ...] = (),
) -> float:
    """Polls `check` until it holds; returns when it did (time.monotonic())."""
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        for worker in alive:
            assert worker.poll() is None, f"a worker exited ({worker.returncode}) waiting: {what}"
        await asyncio.sleep(0.02)
    return time.monotonic()
