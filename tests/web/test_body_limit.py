"""Request bodies over MAX_UPLOAD_BYTES are refused with 413 before anything is stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from core.sql import sql
from tests.factories import Session, create_session
from tests.services.imports.wiring import files_root
from web.app import create_app

__all__ = ["files_root"]

LIMIT = 4096
START = """
mutation($input: StartImportInput!) {
  startImport(input: $input) { __typename ... on UserError { message } }
}
"""


@pytest.fixture
async def limited_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        settings.model_copy(update={"max_upload_bytes": LIMIT}), manage_resources=False
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def _multipart(session: Session, content: bytes) -> tuple[bytes, dict[str, str]]:
    operations = {"query": START, "variables": {"input": {"file": None}}}
    request = httpx.Request(
        "POST",
        "http://test/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("people.csv", content, "text/csv")},
    )
    body = request.read()
    headers = {
        **session.headers,
        "GraphQL-Preflight": "1",
        "Content-Type": request.headers["Content-Type"],
    }
    return body, headers


def _people(rows: int) -> bytes:
    return ("name,phone\n" + "".join(f"Person {i},07883{i:05d}\n" for i in range(rows))).encode()


async def _imports(session: Session) -> int:
    count: int = await sql().fetchval(
        "SELECT count(*) FROM contact_import WHERE workspace_id = $1", session.workspace.id
    )
    return count


def _stored_uploads(root: Path) -> list[Path]:
    return list(root.rglob("*.upload")) if root.exists() else []


def _refusal(response: httpx.Response) -> str:
    assert response.status_code == 413, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    message: str = error["message"]
    return message


async def test_a_body_declared_larger_than_the_limit_is_refused_unread(
    limited_client: httpx.AsyncClient, files_root: Path
) -> None:
    session = await create_session()
    body, headers = _multipart(session, _people(500))

    response = await limited_client.post("/graphql", content=body, headers=headers)

    assert "larger than the 4 KB this service accepts (MAX_UPLOAD_BYTES)" in _refusal(response)
    assert await _imports(session) == 0
    assert _stored_uploads(files_root) == []


async def test_a_body_sent_without_its_size_is_cut_off_past_the_limit(
    limited_client: httpx.AsyncClient, files_root: Path
) -> None:
    session = await create_session()
    body, headers = _multipart(session, _people(500))

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 1024):
            yield body[start : start + 1024]

    response = await limited_client.post("/graphql", content=pieces(), headers=headers)

    assert "Content-Length" not in response.request.headers
    _refusal(response)
    assert await _imports(session) == 0
    assert _stored_uploads(files_root) == []


async def test_a_body_within_the_limit_is_served(limited_client: httpx.AsyncClient) -> None:
    session = await create_session()
    body, headers = _multipart(session, _people(10))
    assert len(body) < LIMIT

    response = await limited_client.post("/graphql", content=body, headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["startImport"]["__typename"] == "ImportStarted"
    assert await _imports(session) == 1
