"""Ordering the contact list by custom fields and by dates, through the API.

The promise (`ContactOrderInput.fieldKey`, services/keyset.py): rows with a value come by
(value, id) in the asked direction, then the rows without one by id in the same direction, so
empty values are last both ways; every ordering pages forward and backward with keyset cursors
that belong to that ordering alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from tortoise import connections

from core.settings import Settings
from core.sql import sql
from models.enums import ContactStatus, FieldType
from services.contacts.records import ContactRecord
from services.editing import contacts
from services.fields.sorting import sync_sort_indexes
from tests.factories import (
    Session,
    contact_gid,
    create_contact,
    create_session,
    data_of,
    define_field,
    error_codes,
    gql,
)

PAGE = """
query($filter: ContactFilterInput, $order: ContactOrderInput,
      $first: Int, $after: String, $last: Int, $before: String) {
  contacts(filter: $filter, order: $order, first: $first, after: $after,
           last: $last, before: $before) {
    totalCount
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

WORKSPACE_ZONE = ZoneInfo("Africa/Kigali")  # the factories' workspace: UTC+2, day first
BASE = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
ARCHIVED = ContactStatus.ARCHIVED


@dataclass(frozen=True)
class Row:
    name: str | None
    number: str | None
    when: str | None
    text: str | None
    created: int
    modified: int
    seen: int | None
    tier: str = "in"
    status: ContactStatus = ContactStatus.ACTIVE


# Contacts are created in this order, so ids do not follow any of the values: each tie is
# broken by id, and empty values sit among the others. Around midnight in other time zones the
# local date and the instant disagree: "2024-01-01T23:30-05:00" is later than
# "2024-01-02T01:00+02:00". "2024-01-02" alone is midnight in Kigali (22:00 UTC the day before).
ROWS = [
    Row("kilo", "10", "2024-01-01T23:30:00-05:00", "pear", 5, 30, 4),
    Row("alpha", "-3.5", "2024-01-02T01:00:00+02:00", "Apple", 5, 12, None),
    Row(None, None, "2024-01-02T00:00:00Z", "banana", 1, 12, 9, tier="out"),
    Row("echo", "-0.25", None, None, 9, 3, 9),
    Row("Alpha", "10.0", "2024-01-02T05:30:00+05:30", "apple", 2, 12, 1),
    Row("delta", "2.75", "2024-01-01T23:59:59.999999Z", "cherry", 5, 7, None, tier="out"),
    Row("bravo", "-3.5", "2024-01-01T16:00:00-08:00", None, 0, 20, 4),
    Row(None, "0", "2024-01-02", "APPLE", 14, 1, 2),
    Row("golf", None, "2023-12-31T23:59:00+14:00", "Banana", 9, 7, None),
    Row("hotel", "10", "2024-01-02T04:30:00+00:00", "date", 3, 30, 9, status=ARCHIVED),
    Row("india", "-1000.125", None, "apple", 11, 25, 0),
    Row("juliet", "1000", "2024-01-02T00:00:00.000001Z", "fig", 7, 2, None),
    Row("lima", "0.1", "2024-01-01T22:00:00Z", None, 13, 12, 4),
    Row("mike", None, None, "pear", 6, 16, 11, tier="out"),
]  # fmt: skip

FIELD_KEYS = {
    "number": ("score", "points"),  # featured, plain
    "when": ("due", "met"),
    "text": ("city", "nick"),
}
BUILT_IN = {
    "NAME": "name",
    "CREATED_ON": "created",
    "MODIFIED_ON": "modified",
    "LAST_SEEN_ON": "seen",
}

# Every ordering as (ContactOrderInput without direction, Row attribute it follows).
ORDERINGS: dict[str, tuple[dict[str, str], str]] = {
    **{name.lower(): ({"field": name}, column) for name, column in BUILT_IN.items()},
    **{key: ({"fieldKey": key}, column) for column, keys in FIELD_KEYS.items() for key in keys},
}
FILTERS: dict[str, dict[str, Any] | None] = {
    "everyone": None,
    "query": {"query": 'tier = "in"'},
    "status": {"status": ["ACTIVE"]},
}


def instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=WORKSPACE_ZONE) if moment.tzinfo is None else moment


def sort_value(row: Row, column: str) -> Any:
    """The value the list orders by, read the way a person would, or None when empty."""
    value = getattr(row, column)
    if value is None:
        return None
    if column == "number":
        return Decimal(value)
    if column == "when":
        return instant(value)
    if column in ("created", "modified", "seen"):
        return BASE + timedelta(minutes=value)
    assert isinstance(value, str)
    return value.lower()


@dataclass
class Made:
    session: Session
    records: list[ContactRecord]

    def gid(self, i: int) -> str:
        return contact_gid(self.records[i])

    def expected(
        self, column: str, descending: bool, flt: dict[str, Any] | None, rows: list[Row]
    ) -> list[str]:
        """Rows with a value by (value, id) in the asked direction, then the empty ones by id in
        the same direction."""
        chosen = [
            (self.records[i].id, sort_value(row, column), self.gid(i))
            for i, row in enumerate(rows)
            if _matches(row, flt)
        ]
        valued = sorted(
            (c for c in chosen if c[1] is not None), key=lambda c: (c[1], c[0]), reverse=descending
        )
        empty = sorted((c for c in chosen if c[1] is None), key=lambda c: c[0], reverse=descending)
        return [c[2] for c in valued + empty]


def _matches(row: Row, flt: dict[str, Any] | None) -> bool:
    if flt is None:
        return True
    if "query" in flt:
        return row.tier == "in"
    return row.status.value.upper() in flt["status"]


async def make_contacts(session: Session) -> Made:
    for column, (featured, plain) in FIELD_KEYS.items():
        value_type = {"number": FieldType.NUMBER, "when": FieldType.DATETIME}.get(column)
        await define_field(session, featured.title(), value_type, key=featured, featured=True)
        await define_field(session, plain.title(), value_type, key=plain)
    await define_field(session, "Tier", key="tier")
    records: list[ContactRecord] = []
    for row in ROWS:
        values: dict[str, str | None] = {"tier": row.tier}
        for column, keys in FIELD_KEYS.items():
            for key in keys:
                values[key] = getattr(row, column)
        records.append(
            await create_contact(
                session, row.name, fields={k: v for k, v in values.items() if v}, status=row.status
            )
        )
    at = [BASE + timedelta(minutes=m) for m in range(60)]
    await sql().execute(
        """
        UPDATE contact c SET created_on = v.created, modified_on = v.modified, last_seen_on = v.seen
        FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[])
            AS v(id, created, modified, seen)
        WHERE c.id = v.id
        """,
        [r.id for r in records],
        [at[row.created] for row in ROWS],
        [at[row.modified] for row in ROWS],
        [None if row.seen is None else at[row.seen] for row in ROWS],
    )
    return Made(session, records)


async def fetch_page(client: httpx.AsyncClient, session: Session, **args: Any) -> dict[str, Any]:
    page: dict[str, Any] = data_of(await gql(client, session, PAGE, args))["contacts"]
    return page


def ids(page: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in page["edges"]]


async def walk_forward(
    client: httpx.AsyncClient, session: Session, size: int, **args: Any
) -> list[str]:
    """Every page from the first with `first: size`, checking each page's own promises."""
    seen: list[str] = []
    after = None
    while True:
        page = await fetch_page(client, session, first=size, after=after, **args)
        assert 0 < len(page["edges"]) <= size or (after is None and not page["edges"])
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        assert len(page["edges"]) == size
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]
        assert len(seen) <= len(ROWS), "paging forward does not end"


async def walk_backward(
    client: httpx.AsyncClient, session: Session, size: int, **args: Any
) -> list[str]:
    """Every page from the last with `last: size`, put back in list order."""
    pages: list[list[str]] = []
    before = None
    while True:
        page = await fetch_page(client, session, last=size, before=before, **args)
        assert 0 < len(page["edges"]) <= size or (before is None and not page["edges"])
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        pages.append(ids(page))
        if not page["pageInfo"]["hasPreviousPage"]:
            return [gid for p in reversed(pages) for gid in p]
        assert len(page["edges"]) == size
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        before = page["pageInfo"]["startCursor"]
        assert sum(map(len, pages)) <= len(ROWS), "paging backward does not end"


@pytest.fixture(scope="module")
async def shared(settings: Settings) -> Made:
    """ROWS in a workspace of their own, for the tests that only read them."""
    return await make_contacts(await create_session())


@pytest.mark.parametrize("flt", list(FILTERS), ids=list(FILTERS))
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize("ordering", list(ORDERINGS))
async def test_every_page_size_walks_the_whole_order_both_ways(
    client: httpx.AsyncClient, shared: Made, ordering: str, direction: str, flt: str
) -> None:
    session, made = shared.session, shared
    order_input, column = ORDERINGS[ordering]
    order = {**order_input, "direction": direction}
    expected = made.expected(column, direction == "DESC", FILTERS[flt], ROWS)
    assert len(expected) == len(set(expected)) >= 11

    whole = await fetch_page(client, session, order=order, filter=FILTERS[flt], first=100)
    assert whole["totalCount"] == len(expected)
    assert ids(whole) == expected
    for size in (1, 2, 3):
        forward = await walk_forward(client, session, size, order=order, filter=FILTERS[flt])
        assert forward == expected, f"first: {size}"
        backward = await walk_backward(client, session, size, order=order, filter=FILTERS[flt])
        assert backward == expected, f"last: {size}"


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize(
    "ordering", [o for o, (_, column) in ORDERINGS.items() if column not in ("created", "modified")]
)
async def test_contacts_without_a_value_come_last_in_either_direction(
    client: httpx.AsyncClient, shared: Made, ordering: str, direction: str
) -> None:
    """`fieldKey`'s description and services/keyset.py promise "empty last", both ways."""
    session, made = shared.session, shared
    order_input, column = ORDERINGS[ordering]
    page = await fetch_page(client, session, order={**order_input, "direction": direction}, first=3)
    empty = [i for i, row in enumerate(ROWS) if getattr(row, column) is None]
    assert len(empty) >= 2
    tail = await fetch_page(
        client, session, order={**order_input, "direction": direction}, last=len(empty)
    )
    by_id = sorted(empty, key=lambda i: made.records[i].id, reverse=direction == "DESC")
    assert ids(tail) == [made.gid(i) for i in by_id]
    assert not set(ids(page)) & set(ids(tail))


async def test_datetimes_order_by_instant_whatever_zone_they_were_written_in(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    made = await make_contacts(session)
    page = await fetch_page(client, session, order={"fieldKey": "due", "direction": "ASC"}, first=9)
    when = {made.gid(i): row.when for i, row in enumerate(ROWS)}
    assert [when[gid] for gid in ids(page)] == [
        "2023-12-31T23:59:00+14:00",  # 09:59 UTC on the 31st
        "2024-01-02",  # midnight in Kigali: 22:00 UTC on the 1st
        "2024-01-01T22:00:00Z",  # the same instant, later id
        "2024-01-02T01:00:00+02:00",  # 23:00 UTC on the 1st
        "2024-01-01T23:59:59.999999Z",
        # 00:00 UTC on the 2nd, three ways, by id
        "2024-01-02T00:00:00Z",
        "2024-01-02T05:30:00+05:30",
        "2024-01-01T16:00:00-08:00",
        "2024-01-02T00:00:00.000001Z",
    ]


@contextlib.contextmanager
def list_queries_sent() -> Iterator[list[Any]]:
    """The contact list queries the app sends, with their arguments, to explain afterwards."""
    sent: list[Any] = []

    def log(record: Any) -> None:
        if "AS sort_value" in record.query:
            sent.append(record)

    pool = connections.get("default")._pool
    live = [holder._con for holder in pool._holders if holder._con is not None]
    for conn in live:
        conn.add_query_logger(log)
    try:
        yield sent
    finally:
        for conn in live:
            conn.remove_query_logger(log)


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize("ordering", ["score", "due", "city"])
async def test_featured_fields_page_like_plain_ones_with_queries_their_sort_index_serves(
    client: httpx.AsyncClient, ordering: str, direction: str
) -> None:
    """The `sync_field_indexes` job builds a partial expression index per featured field. The
    pages are the same as a plain field's with the same values, and every query for the rows
    with a value is one the index can serve in order: with sequential scans and sorts
    discouraged (a large table, in effect) PostgreSQL plans it on `contact_sort_<id>_<type>`."""
    session = await create_session()
    made = await make_contacts(session)
    created, _ = await sync_sort_indexes()
    assert created >= 3
    order_input, column = ORDERINGS[ordering]
    order = {**order_input, "direction": direction}
    expected = made.expected(column, direction == "DESC", None, ROWS)
    with list_queries_sent() as sent:
        for size in (1, 2, 3):
            assert await walk_forward(client, session, size, order=order) == expected
            assert await walk_backward(client, session, size, order=order) == expected
    valued = [r for r in sent if "IS NOT NULL" in r.query]
    assert len(valued) >= 2 * len(expected)
    async with connections.get("default")._pool.acquire() as conn:
        # Released connections are RESET, so these last only for this block.
        await conn.execute("SET enable_seqscan = off; SET enable_sort = off")
        for record in valued:
            plan = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {record.query}", *record.args)
            assert "contact_sort_" in plan and '"Sort"' not in plan, plan
    plain = {"score": "points", "due": "met", "city": "nick"}[ordering]
    same = await walk_forward(client, session, 2, order={"fieldKey": plain, "direction": direction})
    assert same == expected


def _cursors(page: dict[str, Any]) -> dict[str, str]:
    return {e["node"]["id"]: e["cursor"] for e in page["edges"]}


async def test_a_cursor_works_only_with_the_ordering_that_made_it(
    client: httpx.AsyncClient,
) -> None:
    """A cursor names a place in one ordering (key and direction). Used with another it would
    point at an unrelated place, or at none (a datetime read as a name), so it is refused with
    a top-level error that says so; a filter may change between pages."""
    session = await create_session()
    made = await make_contacts(session)
    cursors: dict[tuple[str, str], list[str]] = {}
    for ordering, (order_input, _) in ORDERINGS.items():
        for direction in ("ASC", "DESC"):
            order = {**order_input, "direction": direction}
            whole = await fetch_page(client, session, order=order, first=100)
            # One from the rows with a value and, where there are empty ones, one from those.
            cursors[(ordering, direction)] = [whole["edges"][2]["cursor"]]
            cursors[(ordering, direction)].append(whole["edges"][-1]["cursor"])
    # Each cursor against its own ordering, the reverse direction, and both directions of
    # the next ordering (every kind of key meets another kind this way).
    names = list(ORDERINGS)
    refused = 0
    for (made_by, made_dir), taken in cursors.items():
        following = names[(names.index(made_by) + 1) % len(names)]
        other_dir = "DESC" if made_dir == "ASC" else "ASC"
        targets = [
            (made_by, made_dir),
            (made_by, other_dir),
            (following, "ASC"),
            (following, "DESC"),
        ]
        for ordering, direction in targets:
            order = {**ORDERINGS[ordering][0], "direction": direction}
            for cursor in taken:
                for size, place in (("first", "after"), ("last", "before")):
                    body = await gql(
                        client, session, PAGE, {"order": order, size: 2, place: cursor}
                    )
                    if (made_by, made_dir) == (ordering, direction):
                        assert len(data_of(body)["contacts"]["edges"]) <= 2
                        continue
                    assert body["data"] is None, (made_by, made_dir, ordering, direction)
                    assert [e["message"] for e in body["errors"]] == [
                        "The cursor belongs to another order of this list: "
                        "start again from the first page."
                    ]
                    assert error_codes(body) == ["INVALID"]
                    refused += 1
    assert refused == len(cursors) * 3 * 2 * 2

    # The same ordering under another filter keeps its place.
    order = {"fieldKey": "score", "direction": "ASC"}
    everyone = made.expected("number", False, None, ROWS)
    after = (await fetch_page(client, session, order=order, first=4))["pageInfo"]["endCursor"]
    narrowed = await fetch_page(
        client, session, order=order, filter=FILTERS["query"], first=100, after=after
    )
    assert ids(narrowed) == [
        gid for gid in everyone[4:] if gid in made.expected("number", False, FILTERS["query"], ROWS)
    ]


async def test_values_changed_between_pages_follow_keyset_semantics(
    client: httpx.AsyncClient,
) -> None:
    """Each page continues after the cursor's (value, id) in the data as it is now:

    - a contact already seen whose value moves past the cursor is seen again at its new place
      (the only way a contact appears twice);
    - a contact not seen yet whose value moves before the cursor is not seen at all;
    - a contact not seen yet whose value is cleared is seen once, among the empty ones;
    - every other contact is seen exactly once, in order.
    """
    session = await create_session()
    made = await make_contacts(session)
    order = {"fieldKey": "points", "direction": "ASC"}
    before_change = made.expected("number", False, None, ROWS)
    first = await fetch_page(client, session, order=order, first=4)
    assert ids(first) == before_change[:4]

    position = {gid: i for i, gid in enumerate(before_change)}
    moved_on, moved_back, cleared = before_change[1], before_change[9], before_change[6]
    index_of = {made.gid(i): i for i in range(len(ROWS))}
    changes = {moved_on: "500", moved_back: "-5000", cleared: None}
    for gid, value in changes.items():
        await contacts.update_contact(
            session.caller,
            made.records[index_of[gid]].uuid,
            contacts.ContactPatch(fields={"points": value}),
        )
    rows = list(ROWS)
    for gid, value in changes.items():
        i = index_of[gid]
        rows[i] = dataclasses.replace(ROWS[i], number=value)
    now = made.expected("number", False, None, rows)

    rest: list[str] = []
    after = first["pageInfo"]["endCursor"]
    while after is not None:
        page = await fetch_page(client, session, order=order, first=2, after=after)
        rest += ids(page)
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    # Exactly what follows the cursor's place in today's order.
    assert rest == now[now.index(before_change[3]) + 1 :]
    walked = ids(first) + rest
    assert walked.count(moved_on) == 2
    assert moved_back not in walked
    assert walked.count(cleared) == 1 and rest.index(cleared) > rest.index(moved_on)
    for gid in before_change:
        if gid not in changes:
            assert walked.count(gid) == 1
    assert [g for g in walked if g not in changes] == [g for g in before_change if g not in changes]
    assert position[moved_on] < 4 <= position[moved_back]
