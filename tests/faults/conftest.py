from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from core.settings import Settings


@pytest.fixture(autouse=True)
async def _queue_left_empty(settings: Settings) -> AsyncIterator[None]:
    """A worker killed here leaves its job on the session's queue, marked in progress until the
    job's timeout (hours): a later test's burst worker would wait for it. Each test here leaves
    the queue empty."""
    yield
    redis = Redis.from_url(settings.redis_url or "")
    try:
        await redis.delete(settings.queue_name)
    finally:
        await redis.aclose()
