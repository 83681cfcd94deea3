"""`audience(input)`: who a campaign would reach now (issue 4)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from models.enums import ContactStatus, FieldType
from services.groups import definitions as groups
from services.groups import members as group_members
from tests.api.audiences.support import (
    AUDIENCE,
    audience,
    names_of,
)
from tests.factories import (
    Session,
    create_contact,
    create_session,
    data_of,
    define_field,
    error_codes,
    gql,
)


async def test_by_default_only_active_contacts_count(
    client: httpx.AsyncClient, crowd: Session
) -> None:
    result = await audience(client, crowd)
    assert result["canonicalQuery"] == 'status = "active"'
    assert result["count"] == 4
    assert names_of(result["contacts"]) == ["Ann", "Bob", "Cy", "Di"]
    assert result["contacts"]["totalCount"] == 4


async def test_statuses_widen_the_audience(client: httpx.AsyncClient, crowd: Session) -> None:
    result = await audience(client, crowd, query="age >= 50", statuses=["ACTIVE", "ARCHIVED"])
    assert result["canonicalQuery"] == (
        'fields.age >= 50 AND (status = "active" OR status = "archived")'
    )
    assert (result["count"], names_of(result["contacts"])) == (3, ["Cy", "Di", "Ed"])


async def test_no_status_restriction_reaches_every_contact(
    client: httpx.AsyncClient, crowd: Session
) -> None:
    result = await audience(client, crowd, statuses=[])
    assert result["__typename"] == "Audience", result
    assert result["count"] == 7


async def test_a_query_naming_a_status_replaces_the_active_default(
    client: httpx.AsyncClient, crowd: Session
) -> None:
    result = await audience(client, crowd, query="status = archived OR status = blocked")
    assert result["canonicalQuery"] == 'status = "archived" OR status = "blocked"'
    assert (result["count"], names_of(result["contacts"])) == (2, ["Ed", "Flo"])
    # Given statuses still apply on top of the query's own.
    narrowed = await audience(client, crowd, query="status != active", statuses=["STOPPED"])
    assert narrowed["canonicalQuery"] == 'status != "active" AND status = "stopped"'
    assert names_of(narrowed["contacts"]) == ["Gus"]


async def test_query_groups_and_flags_combine_into_one_canonical_query(
    client: httpx.AsyncClient, crowd: Session
) -> None:
    result = await audience(
        client,
        crowd,
        query="age > 60 OR age < 30",
        includeGroups=["members", "STAFF"],
        excludeGroups=["Opted Out"],
        flagsAny=["gold", "vip"],
        flagsAll=["VIP"],
    )
    assert result["canonicalQuery"] == (
        '(fields.age > 60 OR fields.age < 30) AND (group = "Members" OR group = "Staff") '
        'AND group != "Opted Out" AND (flag = "Gold" OR flag = "VIP") AND flag = "VIP" '
        'AND status = "active"'
    )
    assert (result["count"], names_of(result["contacts"])) == (3, ["Ann", "Cy", "Di"])


@pytest.mark.parametrize(
    ("input", "expected"),
    [
        ({"includeGroups": ["Members"]}, ["Ann", "Bob", "Cy"]),
        ({"includeGroups": ["Members"], "excludeGroups": ["Opted Out", "Staff"]}, ["Ann", "Cy"]),
        ({"flagsAny": ["Gold"]}, ["Ann", "Bob", "Di"]),
        ({"flagsAll": ["Gold", "vip"]}, ["Ann", "Di"]),
        ({"flagsAny": ["Gold"], "flagsAll": ["VIP"]}, ["Ann", "Di"]),
        ({"query": "age > 40", "excludeGroups": ["Members"]}, ["Di"]),
    ],
)
async def test_each_part_narrows_the_audience(
    client: httpx.AsyncClient, crowd: Session, input: dict[str, Any], expected: list[str]
) -> None:
    result = await audience(client, crowd, **input)
    assert (result["count"], names_of(result["contacts"])) == (len(expected), expected)


async def test_a_whole_query_that_is_an_address_still_means_that_address(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:0788 383 383", "mailto:ann@example.com"])
    await create_contact(session, "Bob", urns=["tel:0788 383 384"])
    for text, canonical in (
        ("0788 383 383", 'urns.tel = "+250788383383"'),
        ("tel:+250788383383", 'urns.tel = "+250788383383"'),
        ("mailto:ann@example.com", 'urns.mailto = "ann@example.com"'),
    ):
        result = await audience(client, session, query=text)
        assert (result["canonicalQuery"], result["count"]) == (
            f'{canonical} AND status = "active"',
            1,
        ), text


async def test_contacts_of_an_audience_page_with_cursors(
    client: httpx.AsyncClient, crowd: Session
) -> None:
    seen: list[str] = []
    after = None
    while True:
        body = await gql(
            client,
            crowd,
            AUDIENCE,
            {"input": {"flagsAny": ["Gold", "VIP"]}, "first": 2, "after": after},
        )
        page = data_of(body)["audience"]["contacts"]
        seen += names_of(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["Ann", "Bob", "Cy", "Di"]


ORDERED_AUDIENCE = """
query($input: AudienceInput!, $order: ContactOrderInput, $first: Int!, $after: String) {
  audience(input: $input) {
    ... on Audience {
      contacts(order: $order, first: $first, after: $after) {
        edges { node { name } } pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""


async def ordered_audience(
    client: httpx.AsyncClient,
    session: Session,
    order: dict[str, Any] | None,
    *,
    first: int = 2,
    between_pages: Callable[[], Awaitable[None]] | None = None,
    **input: Any,
) -> list[str]:
    """Every contact of the audience, read page by page in the order asked for."""
    seen: list[str] = []
    after = None
    while True:
        variables = {"input": input, "order": order, "first": first, "after": after}
        page = data_of(await gql(client, session, ORDERED_AUDIENCE, variables))["audience"]
        seen += names_of(page["contacts"])
        if not page["contacts"]["pageInfo"]["hasNextPage"]:
            return seen
        after = page["contacts"]["pageInfo"]["endCursor"]
        if between_pages is not None:
            await between_pages()


@pytest.fixture
async def scores() -> Session:
    """Active contacts created in an order unlike their names or scores, with a tie and an
    empty score; an inactive one and one outside the audience."""
    session = await create_session()
    await define_field(session, "Score", FieldType.NUMBER)
    for name, score, flags, status in [
        ("Cy", "7", ["VIP"], ContactStatus.ACTIVE),
        ("Ann", "3", ["VIP"], ContactStatus.ACTIVE),
        ("Eve", None, ["VIP"], ContactStatus.ACTIVE),
        ("Di", "7", ["VIP"], ContactStatus.ACTIVE),
        ("Bob", "10", ["VIP"], ContactStatus.ACTIVE),
        ("Al", "1", ["VIP"], ContactStatus.ARCHIVED),
        ("Zed", "5", [], ContactStatus.ACTIVE),
    ]:
        await create_contact(
            session, name, flags=flags, status=status, fields={"score": score} if score else {}
        )
    return session


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (None, ["Cy", "Ann", "Eve", "Di", "Bob"]),
        ({"field": "CREATED_ON"}, ["Bob", "Di", "Eve", "Ann", "Cy"]),
        ({"field": "NAME", "direction": "ASC"}, ["Ann", "Bob", "Cy", "Di", "Eve"]),
        ({"field": "NAME", "direction": "DESC"}, ["Eve", "Di", "Cy", "Bob", "Ann"]),
        ({"fieldKey": "score", "direction": "ASC"}, ["Ann", "Cy", "Di", "Bob", "Eve"]),
        ({"fieldKey": "score", "direction": "DESC"}, ["Bob", "Di", "Cy", "Ann", "Eve"]),
    ],
    ids=["default", "newest", "name", "name desc", "field", "field desc"],
)
async def test_audience_contacts_are_ordered_as_asked_across_pages(
    client: httpx.AsyncClient, scores: Session, order: dict[str, Any] | None, expected: list[str]
) -> None:
    assert await ordered_audience(client, scores, order, flagsAny=["VIP"]) == expected
    one_page = await ordered_audience(client, scores, order, first=50, flagsAny=["VIP"])
    assert one_page == expected


async def test_audience_cursors_stay_stable_while_contacts_change_between_pages(
    client: httpx.AsyncClient, scores: Session
) -> None:
    """Each cursor names a position in the order, so a contact added before it is not read
    and nothing already read comes round again."""
    added: list[str] = []

    async def add_a_top_scorer() -> None:
        name = f"Top {len(added)}"
        added.append(name)
        await create_contact(scores, name, flags=["VIP"], fields={"score": "99"})

    seen = await ordered_audience(
        client,
        scores,
        {"fieldKey": "score", "direction": "DESC"},
        between_pages=add_a_top_scorer,
        flagsAny=["VIP"],
    )
    assert seen == ["Bob", "Di", "Cy", "Ann", "Eve"]


async def test_ordering_an_audience_by_an_unknown_field_is_an_error(
    client: httpx.AsyncClient, scores: Session
) -> None:
    body = await gql(
        client,
        scores,
        ORDERED_AUDIENCE,
        {"input": {}, "order": {"fieldKey": "nope"}, "first": 2},
    )
    assert error_codes(body) == ["INVALID"]
    assert body["errors"][0]["message"] == 'No field with key "nope" to order by.'


@pytest.mark.parametrize(
    ("input", "code", "extra"),
    [
        ({"query": "age ~ 5"}, "unsupported_contains", {"property": "age"}),
        # Positions point into the query as the caller wrote it.
        ({"query": "name = ("}, "syntax", {"position": "7", "token": "("}),
        ({"includeGroups": ["Nobody"]}, "invalid_group", {"property": "group", "value": "Nobody"}),
        ({"excludeGroups": ["Nobody"]}, "invalid_group", {"property": "group", "value": "Nobody"}),
        ({"flagsAll": ["Silver"]}, "invalid_flag", {"property": "flag", "value": "Silver"}),
    ],
)
async def test_an_audience_that_cannot_be_read_is_a_query_error(
    client: httpx.AsyncClient,
    crowd: Session,
    input: dict[str, Any],
    code: str,
    extra: dict[str, str],
) -> None:
    result = await audience(client, crowd, **input)
    assert (result["__typename"], result["code"], result["field"]) == (
        "QueryError",
        "INVALID",
        "query",
    )
    assert (result["queryCode"], result["extra"]) == (code, extra)


async def test_group_and_flag_names_with_quotes_are_escaped(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", flags=['Say "Hi"'])
    group = await groups.create_group(session.caller, name='The "Best" \\ List')
    await group_members.add_contacts(session.caller, group.uuid, [ann.uuid])
    result = await audience(
        client, session, includeGroups=['the "best" \\ list'], flagsAll=['say "hi"']
    )
    assert result["canonicalQuery"] == (
        'group = "The \\"Best\\" \\\\ List" AND flag = "Say \\"Hi\\"" AND status = "active"'
    )
    assert result["count"] == 1
