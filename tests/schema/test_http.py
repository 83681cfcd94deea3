from __future__ import annotations

import httpx
import pytest
from graphql import GraphQLError

from core.app import create_app
from core.settings import Environment, Settings
from schema.extensions import should_mask
from tests.factories import create_session


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
