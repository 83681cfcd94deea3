from __future__ import annotations

import logging

import httpx
import pytest
from graphql import GraphQLError

from api.extensions import should_mask
from core.settings import Environment, Settings
from models.enums import Role
from services.access import members
from tests.factories import create_session
from web.app import create_app


async def test_graphiql_page_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_query_depth_is_limited(client: httpx.AsyncClient) -> None:
    session = await create_session()
    deep = "{ me " + "{ workspace " * 20 + "{ name }" + "}" * 21
    response = await client.post("/graphql", json={"query": deep}, headers=session.headers)
    assert "exceeds maximum operation depth" in response.json()["errors"][0]["message"]


async def test_production_masks_unexpected_errors_but_not_permission_errors(
    settings: Settings,
) -> None:
    production = settings.model_copy(update={"environment": Environment.PRODUCTION})
    app = create_app(production, manage_resources=False)
    session = await create_session()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        bad_cursor = await http.post(
            "/graphql",
            json={"query": '{ contacts(after: "%%%") { edges { cursor } } }'},
            headers=session.headers,
        )
        unauthenticated = await http.post("/graphql", json={"query": "{ me { member { name } } }"})
    assert unauthenticated.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    error = bad_cursor.json()["errors"][0]
    assert error["message"] == "The cursor is not valid for this list."
    assert error["extensions"] == {"code": "INVALID", "field": "after"}


def test_unexpected_errors_are_masked_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    bug = GraphQLError("boom", original_error=RuntimeError("secret detail"))
    assert should_mask(bug)
    assert "unexpected error" in caplog.text
    assert not should_mask(GraphQLError("Syntax Error: Unexpected Name"))


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def _graphql_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in ("contacts.graphql", "strawberry.execution")]


async def _broken_member_list(caller: object) -> list[object]:
    raise RuntimeError("secret detail")


@pytest.mark.parametrize(
    ("query", "auth"),
    [
        ('{ contacts(filter: {query: "age > abc"}) { totalCount } }', "token"),
        ('{ contacts(order: {fieldKey: "nope"}) { totalCount } }', "token"),
        ("{ contacts(first: 100000) { totalCount } }", "token"),
        ('{ contacts(after: "%%%") { totalCount } }', "token"),
        ("mutation { updateContact(input: {id: 5, name: []}) { __typename } }", "token"),
        ("{ node { id } }", "token"),
        ('{ contacts(first: "x") { totalCount } }', "token"),
        ("{ nope }", "token"),
        ("{ me { member", "token"),
        ("{ me { member { name } } }", "none"),
        ("{ me { member { name } } }", "bad"),
        ('mutation { createContact(input: {name: "New"}) { __typename } }', "viewer"),
    ],
    ids=[
        "query-language",
        "order-field",
        "page-size",
        "cursor",
        "mutation-input",
        "missing-argument",
        "argument-type",
        "validation",
        "syntax",
        "no-token",
        "bad-token",
        "permission",
    ],
)
async def test_client_mistakes_are_logged_without_a_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, query: str, auth: str
) -> None:
    session = await create_session(role=Role.VIEWER if auth == "viewer" else Role.ADMIN)
    headers = {"none": {}, "bad": {"Authorization": "Bearer ct_not-a-real-token"}}.get(
        auth, session.headers
    )
    with caplog.at_level(logging.INFO):
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.json()["errors"]
    assert _tracebacks(caplog) == []
    assert len(_graphql_lines(caplog)) <= 1


async def test_unexpected_errors_are_logged_with_their_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(members, "list_members", _broken_member_list)
    session = await create_session()
    response = await client.post(
        "/graphql", json={"query": "{ members { name } }"}, headers=session.headers
    )
    assert response.json()["errors"][0]["message"] == "secret detail"
    [record] = _tracebacks(caplog)
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert record.exc_info[2] is not None


async def test_production_logs_each_unexpected_error_once_and_client_mistakes_without_stack(
    settings: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    production = settings.model_copy(update={"environment": Environment.PRODUCTION})
    app = create_app(production, manage_resources=False)
    monkeypatch.setattr(members, "list_members", _broken_member_list)
    session = await create_session()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        bad_token = await http.post(
            "/graphql",
            json={"query": "{ me { member { name } } }"},
            headers={"Authorization": "Bearer ct_not-a-real-token"},
        )
        bad_cursor = await http.post(
            "/graphql",
            json={"query": '{ contacts(after: "garbage") { totalCount } }'},
            headers=session.headers,
        )
        assert _tracebacks(caplog) == []
        bug = await http.post(
            "/graphql", json={"query": "{ members { name } }"}, headers=session.headers
        )
    assert bad_token.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert bad_cursor.json()["errors"][0]["extensions"] == {"code": "INVALID", "field": "after"}
    assert bad_cursor.json()["errors"][0]["message"] == "The cursor is not valid for this list."
    assert bug.json()["errors"][0]["message"] == "Unexpected error."
    [record] = _tracebacks(caplog)
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
