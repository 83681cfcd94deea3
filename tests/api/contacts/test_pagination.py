"""Cursor connections: ordering, paging both ways, bad cursors, history pages and N+1 guards."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from core.sql import sql
from models.enums import Role
from services.contacts.records import ContactRecord
from services.editing import contacts
from tests.factories import (
    Session,
    assert_same_statement_count,
    contact_gid,
    create_contact,
    create_session,
    data_of,
    gql,
)

PAGE = """
query($order: ContactOrderInput, $first: Int, $after: String, $last: Int, $before: String) {
  contacts(order: $order, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

# 25 contacts: five without a name, and "Alpha"/"alpha" equal once lowercased.
NAMES = [
    "delta", "Alpha", "echo", None, "Bravo", "charlie", None, "alpha", "Golf", "foxtrot",
    "hotel", None, "India", "juliet", "Kilo", None, "lima", "Mike", "november", "Oscar",
    "papa", None, "Quebec", "romeo", "Sierra",
]  # fmt: skip
CREATED = [3, 17, 8, 1, 22, 12, 5, 19, 0, 14, 9, 24, 6, 11, 2, 20, 16, 7, 13, 23, 4, 10, 18, 21, 15]
MODIFIED = [12, 3, 3, 20, 7, 1, 14, 9, 22, 0, 18, 5, 11, 16, 8, 24, 2, 19, 6, 13, 21, 4, 10, 17, 23]
SEEN = [
    5, None, 2, 9, None, 0, 7, None, 4, 1, None, 8, 3, None, 6, 10, None, 12, None, 11,
    None, 13, 14, None, 15,
]  # fmt: skip
BASE = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)

ORDER_COLUMNS = {
    "NAME": "name",
    "CREATED_ON": "created_on",
    "MODIFIED_ON": "modified_on",
    "LAST_SEEN_ON": "last_seen_on",
}


def _at(minutes: int | None) -> datetime | None:
    return None if minutes is None else BASE + timedelta(minutes=minutes)


async def make_list(session: Session) -> list[dict[str, Any]]:
    """The 25 contacts with known timestamps (MODIFIED has a tie on purpose)."""
    made: list[dict[str, Any]] = []
    for i, name in enumerate(NAMES):
        record = await create_contact(session, name)
        made.append(
            {
                "id": record.id,
                "gid": contact_gid(record),
                "name": name.lower() if name else None,
                "created_on": _at(CREATED[i]),
                "modified_on": _at(MODIFIED[i]),
                "last_seen_on": _at(SEEN[i]),
            }
        )
    await sql().execute(
        """
        UPDATE contact c SET created_on = v.created, modified_on = v.modified, last_seen_on = v.seen
        FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[])
            AS v(id, created, modified, seen)
        WHERE c.id = v.id
        """,
        [m["id"] for m in made],
        [m["created_on"] for m in made],
        [m["modified_on"] for m in made],
        [m["last_seen_on"] for m in made],
    )
    return made


def expected_order(made: list[dict[str, Any]], column: str, descending: bool) -> list[str]:
    """Rows with a value by (value, id) in the asked direction, then rows without one."""
    valued = sorted(
        (m for m in made if m[column] is not None),
        key=lambda m: (m[column], m["id"]),
        reverse=descending,
    )
    empty = sorted(
        (m for m in made if m[column] is None), key=lambda m: m["id"], reverse=descending
    )
    return [m["gid"] for m in valued + empty]


async def fetch_page(client: httpx.AsyncClient, session: Session, **args: Any) -> dict[str, Any]:
    page: dict[str, Any] = data_of(await gql(client, session, PAGE, args))["contacts"]
    return page


def ids(page: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in page["edges"]]


ORDERS = [(field, direction) for field in ORDER_COLUMNS for direction in ("ASC", "DESC")]


@pytest.mark.parametrize(("field", "direction"), ORDERS)
async def test_one_page_follows_the_order_with_empty_values_last(
    client: httpx.AsyncClient, field: str, direction: str
) -> None:
    session = await create_session()
    made = await make_list(session)
    order = {"field": field, "direction": direction}
    page = await fetch_page(client, session, order=order, first=100)
    assert page["totalCount"] == 25
    assert ids(page) == expected_order(made, ORDER_COLUMNS[field], direction == "DESC")
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["hasPreviousPage"] is False


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_contacts_without_a_name_sort_last_in_both_directions(
    client: httpx.AsyncClient, direction: str
) -> None:
    session = await create_session()
    made = await make_list(session)
    page = await fetch_page(
        client, session, order={"field": "NAME", "direction": direction}, first=100
    )
    nameless = {m["gid"] for m in made if m["name"] is None}
    assert set(ids(page)[-len(nameless) :]) == nameless
    named = [m for m in made if m["name"] is not None]
    named.sort(key=lambda m: (m["name"], m["id"]), reverse=direction == "DESC")
    assert ids(page)[: len(named)] == [m["gid"] for m in named]


@pytest.mark.parametrize(("field", "direction"), ORDERS)
async def test_paging_forward_visits_every_contact_once_in_order(
    client: httpx.AsyncClient, field: str, direction: str
) -> None:
    session = await create_session()
    made = await make_list(session)
    order = {"field": field, "direction": direction}
    seen: list[str] = []
    sizes: list[int] = []
    after = None
    while True:
        page = await fetch_page(client, session, order=order, first=7, after=after)
        seen += ids(page)
        sizes.append(len(page["edges"]))
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(sizes) < 10, "paging does not end"
    assert sizes == [7, 7, 7, 4]
    assert seen == expected_order(made, ORDER_COLUMNS[field], direction == "DESC")


@pytest.mark.parametrize(("field", "direction"), ORDERS)
async def test_paging_backward_gives_the_same_sequence_reversed(
    client: httpx.AsyncClient, field: str, direction: str
) -> None:
    session = await create_session()
    made = await make_list(session)
    order = {"field": field, "direction": direction}
    pages: list[list[str]] = []
    before = None
    while True:
        page = await fetch_page(client, session, order=order, last=7, before=before)
        pages.append(ids(page))
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
        assert len(pages) < 10, "paging does not end"
    assert [len(p) for p in pages] == [7, 7, 7, 4]
    backward = [gid for p in pages for gid in reversed(p)]
    assert backward == list(
        reversed(expected_order(made, ORDER_COLUMNS[field], direction == "DESC"))
    )


async def test_paging_backward_from_a_middle_cursor(client: httpx.AsyncClient) -> None:
    session = await create_session()
    made = await make_list(session)
    order = {"field": "NAME", "direction": "ASC"}
    full = expected_order(made, "name", descending=False)
    everything = await fetch_page(client, session, order=order, first=25)
    cursor_of = {e["node"]["id"]: e["cursor"] for e in everything["edges"]}
    # Crossing from the contacts without a name back into the named ones.
    page = await fetch_page(client, session, order=order, last=4, before=cursor_of[full[22]])
    assert ids(page) == full[18:22]
    assert (page["pageInfo"]["hasPreviousPage"], page["pageInfo"]["hasNextPage"]) == (True, True)
    page = await fetch_page(client, session, order=order, first=4, after=cursor_of[full[18]])
    assert ids(page) == full[19:23]


def _cursor(raw: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


BAD_CURSORS = {
    "garbage": "not a cursor!",
    "not-json": base64.urlsafe_b64encode(b"{{{").decode(),
    "wrong-shape": _cursor({"a": 1}),
    "id-not-a-number": _cursor(["2024-03-01T08:00:00+00:00", "x"]),
    "value-not-a-date": _cursor(["alpha", 3]),
    "id-out-of-range": _cursor(["2024-03-01T08:00:00+00:00", 10**20]),
}


@pytest.mark.parametrize("cursor", list(BAD_CURSORS.values()), ids=list(BAD_CURSORS))
@pytest.mark.parametrize("argument", ["after", "before"])
async def test_an_invalid_contacts_cursor_is_an_error_not_a_crash(
    client: httpx.AsyncClient, cursor: str, argument: str
) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    size = "first" if argument == "after" else "last"
    body = await gql(client, session, PAGE, {argument: cursor, size: 5})
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == ["The cursor is not valid for this list."]


async def test_an_invalid_jobs_or_history_cursor_is_an_error_not_a_crash(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    for query, variables in (
        ("query($a: String) { jobs(after: $a) { edges { cursor } } }", {"a": "nope"}),
        (
            "query($id: ID!, $a: String) { contact(id: $id) { history(after: $a) "
            "{ edges { cursor } } } }",
            {"id": contact_gid(ann), "a": "nope"},
        ),
    ):
        body = await gql(client, session, query, variables)
        assert [e["message"] for e in body["errors"]] == ["The cursor is not valid for this list."]


# --- history -----------------------------------------------------------------------------------

HISTORY = """
query($id: ID!, $first: Int!, $after: String) {
  contact(id: $id) {
    history(first: $first, after: $after) {
      edges { cursor node { kind data actorKind memberName } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}
"""


async def test_history_pages_newest_first(client: httpx.AsyncClient) -> None:
    session = await create_session(name="Ann Admin")
    bob = await create_contact(session, "v0")
    for i in range(1, 7):
        await contacts.update_contact(session.caller, bob.uuid, contacts.ContactPatch(name=f"v{i}"))
    names: list[str] = []
    sizes: list[int] = []
    after = None
    while True:
        body = await gql(
            client, session, HISTORY, {"id": contact_gid(bob), "first": 3, "after": after}
        )
        history = data_of(body)["contact"]["history"]
        sizes.append(len(history["edges"]))
        assert history["pageInfo"]["hasPreviousPage"] is (after is not None)
        for edge in history["edges"]:
            node = edge["node"]
            assert (node["actorKind"], node["memberName"]) == ("MEMBER", "Ann Admin")
            if node["kind"] == "UPDATED":
                names.append(node["data"]["changes"]["name"]["to"])
            else:
                assert node["kind"] == "CREATED"
                names.append(node["data"]["name"])
        if not history["pageInfo"]["hasNextPage"]:
            break
        after = history["pageInfo"]["endCursor"]
    assert sizes == [3, 3, 1]
    assert names == ["v6", "v5", "v4", "v3", "v2", "v1", "v0"]


# --- N+1 guards --------------------------------------------------------------------------------


async def _history_by_many_members(session: Session, count: int) -> ContactRecord:
    """A contact changed once by each of `count` different members."""
    contact = await create_contact(session, "Start")
    for i in range(count):
        editor = await create_session(session.workspace, role=Role.EDITOR, name=f"Editor {i}")
        await contacts.update_contact(
            editor.caller, contact.uuid, contacts.ContactPatch(name=f"Name {i}")
        )
    return contact


async def test_history_costs_the_same_queries_for_one_or_many_events(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    session = await create_session()
    short = await create_contact(session, "Short")
    long = await _history_by_many_members(session, 12)
    query = (
        "query($id: ID!) { contact(id: $id) { history(first: 50) "
        "{ edges { node { kind memberName } } } } }"
    )
    await gql(client, session, "{ me { member { name } } }")  # first use stamps the token
    with count_queries() as one:
        body = await gql(client, session, query, {"id": contact_gid(short)})
    assert len(data_of(body)["contact"]["history"]["edges"]) == 1
    with count_queries() as many:
        body = await gql(client, session, query, {"id": contact_gid(long)})
    edges = data_of(body)["contact"]["history"]["edges"]
    assert len(edges) == 13
    assert {e["node"]["memberName"] for e in edges} == {f"Editor {i}" for i in range(12)} | {"Ann"}
    assert_same_statement_count(one, many)


async def test_contact_list_with_addresses_and_flags_costs_the_same_for_one_or_many(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    session = await create_session()
    query = """{ contacts(first: 50) { totalCount edges { node {
        name urns { identity } flags { name } } } } }"""
    await create_contact(session, "A", urns=["mailto:a@example.com"], flags=["One"])
    await gql(client, session, "{ me { member { name } } }")
    with count_queries() as one:
        body = await gql(client, session, query)
    assert data_of(body)["contacts"]["totalCount"] == 1
    for i in range(12):
        await create_contact(
            session,
            f"C{i}",
            urns=[f"mailto:c{i}@example.com", f"telegram:{1000 + i}"],
            flags=[f"F{i}", "Shared"],
        )
    with count_queries() as many:
        body = await gql(client, session, query)
    assert data_of(body)["contacts"]["totalCount"] == 13
    assert_same_statement_count(one, many)
