from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.settings import WORKER_JOBS, Settings


def test_import_lanes_must_leave_connections_in_the_pool() -> None:
    assert Settings(import_lanes=4, db_pool_max=10).import_lanes == 4
    with pytest.raises(ValidationError, match="IMPORT_LANES \\(10\\) must be below DB_POOL_MAX"):
        Settings(import_lanes=10, db_pool_max=10)


def test_import_lanes_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMPORT_LANES", "3")
    assert Settings().import_lanes == 3
    monkeypatch.setenv("IMPORT_LANES", "0")
    with pytest.raises(ValidationError):
        Settings()


def test_the_lanes_error_shows_no_other_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://app:s3cret@db/contacts")
    monkeypatch.setenv("DB_POOL_MAX", "5")
    monkeypatch.setenv("IMPORT_LANES", "6")
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert [(e["loc"], e["input"]) for e in refused.value.errors()] == [(("import_lanes",), "6")]
    assert "s3cret" not in str(refused.value)


def test_the_pool_has_room_beside_every_job_the_worker_runs() -> None:
    assert Settings(db_pool_max=WORKER_JOBS + 1).db_pool_max == WORKER_JOBS + 1
    with pytest.raises(ValidationError) as refused:
        Settings(db_pool_max=WORKER_JOBS)
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [
        (("db_pool_max",), "greater_than")
    ]
