from __future__ import annotations

from tortoise.migrations.api.migrate import migrate

from core.database import close_database, tortoise_config


async def apply_migrations(database_url: str) -> list[str]:
    """Bring the database schema up to date (safe on every start); returns what was applied."""
    applied: list[str] = []

    def record(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(f"{app_label}.{name}")

    try:
        await migrate(config=tortoise_config(database_url, pool_max=2), progress=record)
    finally:
        await close_database()
    return applied
