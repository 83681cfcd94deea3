"""The one door to the job queue: services enqueue through here, never through arq directly.

arq and redis are imported when a queue is opened (about half a second): the commands that
run jobs in their own process never load them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arq.connections import ArqRedis, RedisSettings

log = logging.getLogger(__name__)

RUN_JOB = "run_job"

_pool: ArqRedis | None = None
_queue_name: str = "contacts:queue"


def redis_settings(redis_url: str) -> RedisSettings:
    from arq.connections import RedisSettings

    settings = RedisSettings.from_dsn(redis_url)
    settings.conn_timeout = 2
    settings.conn_retries = 1
    return settings


async def open_queue(redis_url: str, queue_name: str) -> ArqRedis:
    from arq import create_pool

    global _pool, _queue_name
    _pool = await create_pool(redis_settings(redis_url), default_queue_name=queue_name)
    _queue_name = queue_name
    return _pool


async def close_queue() -> None:
    global _pool
    if _pool is not None:
        await _pool.aclose()
        _pool = None


def queue_pool() -> ArqRedis | None:
    return _pool


async def enqueue_job(job_uuid: str) -> bool:
    """Hand a committed job to the worker. Returns False when Redis is unreachable: the job row
    stays queued and the worker's periodic sweep enqueues it once Redis is back."""
    if _pool is None:
        log.warning("queue not open; job %s left for the sweep", job_uuid)
        return False
    from redis.exceptions import RedisError

    try:
        await _pool.enqueue_job(RUN_JOB, job_uuid, _job_id=job_uuid, _queue_name=_queue_name)
    except (RedisError, OSError) as exc:
        log.warning("could not enqueue job %s (%s); the sweep will retry", job_uuid, exc)
        return False
    return True


async def release_abandoned_job(job_uuid: str) -> bool:
    """Hand back a job whose worker died mid-run: the queue still counts it as in progress
    until its timeout (hours), so drop that mark and enqueue it again; the next worker
    resumes it from its checkpoint. Returns False when Redis is unreachable."""
    if _pool is None:
        return False
    from arq.constants import in_progress_key_prefix
    from redis.exceptions import RedisError

    try:
        await _pool.delete(in_progress_key_prefix + job_uuid)
    except (RedisError, OSError) as exc:
        log.warning("could not release job %s (%s); the sweep will retry", job_uuid, exc)
        return False
    return await enqueue_job(job_uuid)


async def redis_reachable() -> bool:
    if _pool is None:
        return False
    from redis.exceptions import RedisError

    try:
        return bool(await _pool.ping())
    except (RedisError, OSError):
        return False
