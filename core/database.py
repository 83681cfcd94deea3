from __future__ import annotations

from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient

MODEL_MODULES = ["models"]
APP_LABEL = "contacts"


def tortoise_config(database_url: str, *, pool_max: int = 10, pool_min: int = 1) -> dict[str, Any]:
    url = database_url.replace("postgresql://", "postgres://", 1)
    separator = "&" if "?" in url else "?"
    return {
        "connections": {"default": f"{url}{separator}maxsize={pool_max}&minsize={pool_min}"},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


_pool: BaseDBAsyncClient | None = None


async def init_database(database_url: str, *, pool_max: int = 10, pool_min: int = 1) -> None:
    global _pool
    await Tortoise.init(
        config=tortoise_config(database_url, pool_max=pool_max, pool_min=pool_min),
        _enable_global_fallback=True,
    )
    _pool = connections.get("default")


async def close_database() -> None:
    global _pool
    _pool = None
    await Tortoise.close_connections()


def db() -> BaseDBAsyncClient:
    """The ORM's connection: inside a transaction block, that transaction."""
    client: BaseDBAsyncClient = connections.get("default")
    return client


def pool() -> BaseDBAsyncClient:
    """The connection pool itself, also inside a transaction block."""
    assert _pool is not None, "init_database first"
    return _pool
