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


async def init_database(database_url: str, *, pool_max: int = 10, pool_min: int = 1) -> None:
    await Tortoise.init(
        config=tortoise_config(database_url, pool_max=pool_max, pool_min=pool_min),
        _enable_global_fallback=True,
    )


async def close_database() -> None:
    await Tortoise.close_connections()


def db() -> BaseDBAsyncClient:
    client: BaseDBAsyncClient = connections.get("default")
    return client
