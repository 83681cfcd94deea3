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


# --- request bodies that are not uploads: MAX_REQUEST_BYTES -----------------------------------

REQUEST_LIMIT = 2048


@pytest.fixture
async def small_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        settings.model_copy(update={"max_request_bytes": REQUEST_LIMIT}), manage_resources=False
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


class Pieces:
    """A JSON body that is one long GraphQL comment, sent in 1 KB pieces without a declared
    size; counts the pieces the server asked for."""

    def __init__(self, size: int) -> None:
        self.total = size // 1024
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"query": "#'
        for _ in range(self.total):
            self.sent += 1
            yield b"x" * 1024
        yield b'\\n{ me { member { name } } }"}'


def _too_large(response: httpx.Response) -> str:
    assert response.status_code == 413, response.text
    assert response.headers["connection"] == "close"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}
    message: str = error["message"]
    return message


async def test_a_json_body_declared_larger_than_the_request_limit_is_refused(
    small_client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    query = "#" + "x" * REQUEST_LIMIT + "\n{ me { member { name } } }"

    response = await small_client.post("/graphql", json={"query": query}, headers=session.headers)

    message = _too_large(response)
    assert "larger than the 2 KB this service accepts" in message
    assert "(MAX_REQUEST_BYTES)" in message


async def test_a_json_body_streamed_past_the_request_limit_is_cut_off_unread(
    small_client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    body = Pieces(100 * 1024 * 1024)  # 100 MB, were it read to the end

    response = await small_client.post(
        "/graphql",
        content=body,
        headers={**session.headers, "Content-Type": "application/json"},
    )

    assert "Content-Length" not in response.request.headers
    assert "(MAX_REQUEST_BYTES)" in _too_large(response)
    assert body.sent <= REQUEST_LIMIT // 1024 + 1


async def test_an_upload_may_exceed_the_request_limit(small_client: httpx.AsyncClient) -> None:
    session = await create_session()
    body, headers = _multipart(session, _people(200))
    assert REQUEST_LIMIT < len(body)

    response = await small_client.post("/graphql", content=body, headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["startImport"]["__typename"] == "ImportStarted"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Authentication required"),
        ({"Authorization": "Bearer ct_not-a-real-token"}, "The API token is not valid"),
    ],
    ids=["no-token", "bad-token"],
)
async def test_a_request_without_a_valid_token_is_answered_before_its_body_is_read(
    client: httpx.AsyncClient, headers: dict[str, str], message: str
) -> None:
    body = Pieces(100 * 1024 * 1024)

    response = await client.post(
        "/graphql", content=body, headers={**headers, "Content-Type": "application/json"}
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"] is None
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert error["message"].startswith(message)
    assert response.headers["connection"] == "close"
    assert body.sent == 0
