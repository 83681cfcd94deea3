from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from arq import cron
from arq.worker import Worker, func

from core.database import close_database, init_database
from core.queue import RUN_JOB, close_queue, open_queue, redis_settings
from core.settings import WORKER_JOBS, Settings
from core.sql import limit_statements
from workers.tasks import clean_up_files, run_job, sweep_jobs

log = logging.getLogger(__name__)

JOB_TIMEOUT_SECONDS = 6 * 60 * 60
CLEAN_UP_MINUTES = set(range(3, 60, 10))


def _sweep_schedule(settings: Settings) -> Any:
    step = max(1, min(59, settings.job_sweep_seconds))
    return cron(sweep_jobs, second=set(range(0, 60, step)), run_at_startup=True, unique=True)


def scheduled_jobs(settings: Settings) -> list[Any]:
    """The worker's periodic jobs; `unique` makes one worker of many run each turn."""
    clean_up = cron(clean_up_files, minute=CLEAN_UP_MINUTES, run_at_startup=True, unique=True)
    return [_sweep_schedule(settings), clean_up]


def create_worker(
    settings: Settings, *, burst: bool = False, manage_database: bool = True
) -> Worker:
    """The arq worker. `manage_database=False` when the caller has already set up the ORM
    (tests run the worker inside their own process)."""
    assert settings.redis_url and settings.database_url, "resolve service URLs first"
    database_url = settings.database_url
    redis_url = settings.redis_url

    async def startup(ctx: dict[str, Any]) -> None:
        if "settings" in ctx:
            return  # the loop starting again once Redis is back (run_worker)
        ctx["settings"] = settings
        if manage_database:
            await init_database(database_url, pool_max=settings.db_pool_max)
            await open_queue(redis_url, settings.queue_name)

    async def job_start(ctx: dict[str, Any]) -> None:
        limit_statements(settings.job_statement_timeout_ms)  # in the job's own task

    async def shutdown(ctx: dict[str, Any]) -> None:
        if manage_database:
            await close_queue()
            await close_database()

    return Worker(
        functions=[func(run_job, name=RUN_JOB, timeout=JOB_TIMEOUT_SECONDS, max_tries=20)],
        cron_jobs=[] if burst else scheduled_jobs(settings),
        redis_settings=redis_settings(redis_url),
        queue_name=settings.queue_name,
        on_startup=startup,
        on_shutdown=shutdown,
        on_job_start=job_start,
        burst=burst,
        poll_delay=0.2 if not burst else 0,
        handle_signals=not burst,
        keep_result=0,
        max_jobs=WORKER_JOBS,
        health_check_interval=60,
        allow_abort_jobs=False,
    )


async def run_worker(settings: Settings) -> None:
    """Runs the worker until SIGINT/SIGTERM. arq's loop ends on the first Redis error (and
    its start fails when Redis is down); the worker then waits for Redis and runs the loop
    again, keeping its jobs, its database and its schedule, instead of exiting."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    worker = create_worker(settings)
    # arq stops on SIGINT/SIGTERM by cancelling its main task: this one, so a signal also
    # ends the wait for Redis.
    worker.main_task = asyncio.current_task()
    try:
        while True:
            try:
                await worker.main()
                return
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                log.warning("the worker lost Redis (%s: %s)", type(exc).__name__, exc)
            await wait_for_redis(settings)
    except asyncio.CancelledError:
        pass
    finally:
        with contextlib.suppress(RedisConnectionError, RedisTimeoutError, OSError):
            await worker.close()


async def wait_for_redis(settings: Settings) -> None:
    """Returns once Redis answers, trying after 0.5 s, then twice as long each time up to
    `worker_reconnect_max_seconds`; each try is logged as a warning, and the return."""
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    assert settings.redis_url
    delay, tries, since = 0.5, 0, time.monotonic()
    while True:
        await asyncio.sleep(delay)
        tries += 1
        client = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2)
        try:
            await client.ping()
        except (RedisError, OSError) as exc:
            delay = min(delay * 2, settings.worker_reconnect_max_seconds)
            log.warning(
                "Redis still unreachable (try %d: %s); next try in %.1f s", tries, exc, delay
            )
            continue
        finally:
            await client.aclose()
        log.warning(
            "Redis is back after %d tries (%.1f s); the worker goes on",
            tries,
            time.monotonic() - since,
        )
        return
