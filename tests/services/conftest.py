from __future__ import annotations

import pytest

from core.settings import Settings


@pytest.fixture(autouse=True)
def _database(settings: Settings) -> Settings:
    """Every test here talks to the session's database and queue."""
    return settings
