"""Test wiring for imports and exports: stored files go to a temporary folder, and
`transfer_client` talks to the HTTP app (GraphQL with uploads, downloads, preflight check)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from services.imports import storage
from web.app import create_app


@pytest.fixture(autouse=True)
def files_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "files"
    monkeypatch.setattr(storage, "files_root", lambda: root)
    yield root


@pytest.fixture
async def transfer_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, manage_resources=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
