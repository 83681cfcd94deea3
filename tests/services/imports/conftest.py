from __future__ import annotations

import pytest

from core.settings import Settings
from tests.services.imports.wiring import files_root

__all__ = ["files_root"]


@pytest.fixture(autouse=True)
def _database(settings: Settings) -> Settings:
    """Every test here talks to the session's database and queue."""
    return settings
