from __future__ import annotations

from tortoise.migrations.api.migrate import migrate

from core.database import tortoise_config


async def apply_migrations(database_url: str) -> None:
    """Bring the database schema up to date; safe to run on every start."""
    await migrate(config=tortoise_config(database_url, pool_max=2))
