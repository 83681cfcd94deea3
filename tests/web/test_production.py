"""Production mode says no more than it must: no GraphiQL, no introspection, no suggestions;
and JSON nested too deep is refused before it is parsed, in every mode."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from core.settings import Environment, Settings
from tests.factories import Session, create_session
from web.app import create_app

INTROSPECTION = "{ __schema { queryType { name } } }"


@pytest.fixture
async def production(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(settings, environment=Environment.PRODUCTION) as http:
        yield http


def _client(settings: Settings, **overrides: Any) -> httpx.AsyncClient:
    app = create_app(settings.model_copy(update=overrides), manage_resources=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def _post(http: httpx.AsyncClient, session: Session, body: object) -> httpx.Response:
    headers = {**session.headers, "Content-Type": "application/json"}
    return await http.post("/graphql", content=json.dumps(body), headers=headers)


def _only_error(response: httpx.Response) -> dict[str, Any]:
    [error] = response.json()["errors"]
    assert isinstance(error, dict)
    return error


async def test_production_serves_no_graphiql_page(production: httpx.AsyncClient) -> None:
    response = await production.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "graphiql" not in response.text.lower()


async def test_production_refuses_introspection_even_with_a_token(
    production: httpx.AsyncClient,
) -> None:
    session = await create_session()
    response = await _post(production, session, {"query": INTROSPECTION})
    assert response.json()["data"] is None
    errors = response.json()["errors"]
    assert errors and all("introspection" in e["message"].lower() for e in errors), errors
    anonymous = await production.post("/graphql", json={"query": INTROSPECTION})
    assert _only_error(anonymous)["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_settings_turn_graphiql_and_introspection_back_on_in_production(
    settings: Settings,
) -> None:
    session = await create_session()
    async with _client(
        settings,
        environment=Environment.PRODUCTION,
        graphiql_enabled=True,
        introspection_enabled=True,
    ) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        response = await _post(http, session, {"query": INTROSPECTION})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_development_keeps_graphiql_and_introspection(client: httpx.AsyncClient) -> None:
    session = await create_session()
    response = await _post(client, session, {"query": INTROSPECTION})
    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


MISTAKES = {
    "field": "{ contacts { totalCont } }",
    "argument": "{ contacts(frist: 1) { totalCount } }",
    "type": "query { me { ...F } } fragment F on Mee { member { name } }",
    "enum-value": "{ contacts(order: {direction: ASCC}) { totalCount } }",
}


@pytest.mark.parametrize("query", list(MISTAKES.values()), ids=list(MISTAKES))
async def test_production_errors_suggest_nothing(
    client: httpx.AsyncClient, production: httpx.AsyncClient, query: str
) -> None:
    session = await create_session()
    development = _only_error(await _post(client, session, {"query": query}))["message"]
    assert "Did you mean" in development  # the mistake is one graphql-core has a hint for
    message = _only_error(await _post(production, session, {"query": query}))["message"]
    assert "Did you mean" not in message
    assert message == development.split(" Did you mean")[0]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("mode", ["development", "production"])
async def test_json_nested_deeper_than_the_limit_is_refused_before_parsing(
    client: httpx.AsyncClient, production: httpx.AsyncClient, mode: str
) -> None:
    http = production if mode == "production" else client
    session = await create_session()
    body = '{"query": "{ me { member { name } } }", "variables": {"x": ' + _nested(100_000)
    body += "}}"
    headers = {**session.headers, "Content-Type": "application/json"}

    response = await http.post("/graphql", content=body, headers=headers)
    as_get = await http.get(
        "/graphql",
        params={"query": "{ me { member { name } } }", "variables": '{"x": ' + _nested(65) + "}"},
        headers=session.headers,
    )

    for refused in (response, as_get):
        assert refused.status_code == 400, refused.text
        error = _only_error(refused)
        assert error["extensions"] == {"code": "BAD_REQUEST"}
        assert "more than 64 levels deep (MAX_JSON_DEPTH)" in error["message"]


async def test_json_within_the_depth_limit_is_served(client: httpx.AsyncClient) -> None:
    session = await create_session()
    body = {"query": "{ me { member { name } } }", "variables": {"x": json.loads(_nested(60))}}
    response = await _post(client, session, body)
    assert response.json() == {"data": {"me": {"member": {"name": "Ann"}}}}


async def test_an_uploads_operations_nested_too_deep_are_refused(client: httpx.AsyncClient) -> None:
    session = await create_session()
    operations = '{"query": "{ me { member { name } } }", "variables": {"x": ' + _nested(65) + "}}"
    response = await client.post(
        "/graphql",
        data={"operations": operations, "map": "{}"},
        files={"0": ("people.csv", b"name\nAnn\n", "text/csv")},
        headers={**session.headers, "GraphQL-Preflight": "1"},
    )
    assert response.status_code == 400, response.text
    assert _only_error(response)["extensions"] == {"code": "BAD_REQUEST"}
