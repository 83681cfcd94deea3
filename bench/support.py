"""Shared plumbing for the API benchmarks: the app in-process, a real worker beside it."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from core.settings import Settings  # noqa: E402
from web.app import create_app  # noqa: E402

WORKER = (
    "import asyncio; from core.settings import get_settings; "
    "from workers.runner import run_worker; asyncio.run(run_worker(get_settings()))"
)


class Api:
    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http = http
        self.token = token

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    async def wait_for_job(self, job_id: str) -> tuple[str, float]:
        started = time.perf_counter()
        while True:
            state = await self.gql("query($id: ID!) { job(id: $id) { status } }", {"id": job_id})
            if state["job"]["status"] not in ("QUEUED", "RUNNING"):
                return state["job"]["status"], time.perf_counter() - started
            await _sleep(0.05)


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


@asynccontextmanager
async def running_service(token: str, *, with_worker: bool = True) -> AsyncIterator[Api]:
    """The API in this process and, optionally, `contacts worker` as a child process."""
    settings = Settings(
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        queue_name="contacts:bench",
    )
    env = {**os.environ, "QUEUE_NAME": settings.queue_name, "REDIS_URL": settings.redis_url or ""}
    worker = (
        subprocess.Popen([sys.executable, "-c", WORKER], env=env)  # noqa: ASYNC220
        if with_worker
        else None
    )
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120
            ) as http:
                yield Api(http, token)
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGINT)
            worker.wait(30)


async def timed(run: Callable[[], Awaitable[Any]], *, repeat: int = 10) -> list[float]:
    """Seconds per call, after one warm-up call."""
    await run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return times


def summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms (n={len(ms)})"
