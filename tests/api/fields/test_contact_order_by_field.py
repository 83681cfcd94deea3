"""Contacts ordered by a custom field through GraphQL (issue 3)."""

from __future__ import annotations

import httpx
import pytest

from models.enums import FieldType
from tests.api.fields.documents import ask
from tests.factories import Session, create_contact, create_session, define_field, error_codes, gql

ORDERED = """
query($key: String!, $d: SortDirection!, $after: String) {
  contacts(order: {fieldKey: $key, direction: $d}, first: 2, after: $after) {
    edges { node { name } } pageInfo { hasNextPage endCursor }
  }
}
"""


async def all_pages(
    client: httpx.AsyncClient, session: Session, key: str, direction: str
) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        page = (await ask(client, session, ORDERED, key=key, d=direction, after=after))["contacts"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("value_type", "values", "ascending"),
    [
        (
            FieldType.TEXT,
            {"A": "pear", "B": None, "C": "Apple", "D": "banana", "E": "apple", "F": None},
            ["C", "E", "D", "A", "B", "F"],
        ),
        (
            FieldType.NUMBER,
            {"A": "10", "B": "-2.5", "C": None, "D": "10", "E": "9.99", "F": "10"},
            ["B", "E", "A", "D", "F", "C"],
        ),
        (
            FieldType.DATETIME,
            {
                "A": "02-01-2020",
                "B": None,
                "C": "2019-12-31T23:59:00+02:00",
                "D": "01-01-2020",
                "E": "02-01-2020",
                "F": None,
            },
            ["C", "D", "A", "E", "B", "F"],
        ),
    ],
    ids=["text", "number", "datetime"],
)
async def test_contacts_order_by_a_field_both_ways_with_empty_last_and_stable_paging(
    client: httpx.AsyncClient,
    value_type: FieldType,
    values: dict[str, str | None],
    ascending: list[str],
) -> None:
    session = await create_session()
    await define_field(session, "Sort Me", value_type, key="sort_me")
    for name, value in values.items():
        await create_contact(session, name, fields={"sort_me": value} if value else {})
    empty = [n for n, v in values.items() if v is None]
    assert await all_pages(client, session, "sort_me", "ASC") == ascending
    valued_desc = [n for n in reversed(ascending) if n not in empty]
    assert await all_pages(client, session, "sort_me", "DESC") == valued_desc + sorted(
        empty, reverse=True
    )


async def test_ordering_by_an_unknown_field_is_an_error(client: httpx.AsyncClient) -> None:
    session = await create_session()
    body = await gql(client, session, ORDERED, {"key": "nope", "d": "ASC"})
    assert error_codes(body) == ["INVALID"]
    assert body["errors"][0]["message"] == 'No field with key "nope" to order by.'
