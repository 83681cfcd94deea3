from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from graphql import parse

from api.cost import document_cost
from api.schema import build_schema
from core.settings import Settings
from tests.factories import create_contact, create_session, data_of, error_codes, fill_groups, gql

OR_250 = " OR ".join(f'group = "Group {n}"' for n in range(1, 251))
ALIASED_COUNTS = (
    "query($q: String) {"
    + " ".join(
        f"c{n}: contacts(first: 0, filter: {{query: $q}}) {{ totalCount }}" for n in range(30)
    )
    + "}"
)

# The pages the front-ends show, with every field they ask for.
CONTACTS_PAGE = """
query($q: String, $after: String) {
  contacts(first: 50, after: $after, filter: {query: $q}) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node {
      id name language status company jobTitle country state notes source
      createdOn modifiedOn lastSeenOn
      fields { field { key name valueType } text number datetime }
      featuredFields { field { key name } text number datetime }
      urns { scheme path priority identity }
      flags { id name }
    } }
  }
  groups { id name kind query status memberCount }
  flags { id name }
  fields { key name valueType featured }
}
"""
LISTS_PAGE = """
{
  imports(first: 20) { edges { cursor node { id status fileName format mode
    counts { __typename } columns { __typename } createdOn finishedOn } } pageInfo { endCursor } }
  exports(first: 20) { edges { cursor node { id format fileName rowCount createdOn
    job { id status progress { done total } } } } pageInfo { endCursor } }
  jobs(first: 20) { edges { cursor node { id kind status progress { done total }
    changedCount skippedCount errors { __typename } } } pageInfo { endCursor } }
}
"""


def _cost(settings: Settings, document: str, variables: dict[str, Any] | None = None) -> int:
    schema: Any = build_schema(settings)
    return document_cost(
        schema._schema,
        parse(document),
        operation_name=None,
        variables=variables or {},
        max_page_size=settings.max_page_size,
    )


async def test_thirty_aliased_counts_of_a_long_query_are_refused_before_they_run(
    client: httpx.AsyncClient,
    settings: Settings,
    count_queries: Callable[..., Any],
) -> None:
    session = await create_session()
    await fill_groups(session.workspace, 250)
    await create_contact(session, "Ann")
    started = time.monotonic()
    with count_queries() as counter:
        body = await gql(client, session, ALIASED_COUNTS, {"q": OR_250})
    assert time.monotonic() - started < 2
    assert error_codes(body) == ["COST_LIMIT"]
    assert body["data"] is None
    error = body["errors"][0]
    limit = settings.max_query_cost
    assert error["extensions"]["limit"] == limit
    assert error["extensions"]["cost"] > limit
    assert f"limit of {limit:,}" in error["message"]
    assert f"{error['extensions']['cost']:,}" in error["message"]
    assert not [s for s in counter.statements if "contact" in s and "count(" in s]
    # One such count alone is within the limit, and runs.
    one = await gql(client, session, "query($q: String) { contacts(first: 0, "
                    "filter: {query: $q}) { totalCount } }", {"q": OR_250})  # fmt: skip
    assert data_of(one)["contacts"]["totalCount"] == 0


async def test_the_pages_front_ends_show_are_well_under_the_limit(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:0788383383"])
    for document, variables in [
        (CONTACTS_PAGE, {"q": "name ~ ann AND language = eng"}),
        (LISTS_PAGE, {}),
    ]:
        assert _cost(settings, document, variables) < settings.max_query_cost / 5
        data_of(await gql(client, session, document, variables))


def test_cost_grows_with_page_size_nesting_aliases_and_query_conditions(
    settings: Settings,
) -> None:
    page = "{ contacts(first: %d) { edges { node { name urns { path } } } } }"
    assert _cost(settings, page % 100) > 1.9 * _cost(settings, page % 50)
    assert _cost(settings, page % 10_000) == _cost(settings, page % settings.max_page_size)
    count = "query($q: String) { contacts(first: 0, filter: {query: $q}) { totalCount } }"
    short = _cost(settings, count, {"q": "age > 3"})
    long = _cost(settings, count, {"q": "age > 3 AND age < 9 AND name ~ bo"})
    assert long > short
    twice = "query($q: String) { a: contacts(first: 0, filter: {query: $q}) { totalCount } " \
        "b: contacts(first: 0, filter: {query: $q}) { totalCount } }"  # fmt: skip
    assert _cost(settings, twice, {"q": "age > 3"}) == 2 * short
