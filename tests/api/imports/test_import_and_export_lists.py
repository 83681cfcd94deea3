"""The workspace's imports and exports as lists: newest first, keyset pages, the status filter,
workspace isolation, permissions, the page-size cap and a constant query count."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.sql import sql
from models.enums import Permission, Role
from services.keyset import MAX_LIST_PAGE
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    assert_same_statement_count,
    create_session,
    data_of,
    gql_call,
)
from tests.services.imports.wiring import files_root, transfer_client

__all__ = ["files_root", "transfer_client"]

FILE = "name,phone\nBob,0788383383\nBad,12\n"

START_IMPORT = """
mutation($text: String!) {
  startImport(input: {text: $text}) {
    ... on ImportStarted { import { id } job { id } }
    ... on UserError { message }
  }
}
"""

START_EXPORT = """
mutation {
  startExport(input: {selection: {filter: {}}}) {
    ... on ExportStarted { export { id } }
    ... on UserError { message }
  }
}
"""

IMPORTS = """
query($status: [ImportStatus!], $first: Int!, $after: String) {
  imports(status: $status, first: $first, after: $after) {
    edges { cursor node { id status fileName } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

EXPORTS = """
query($first: Int!, $after: String) {
  exports(first: $first, after: $after) {
    edges { cursor node { id fileName } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

IMPORT = "query($id: ID!) { import(id: $id) { id } }"
EXPORT = "query($id: ID!) { export(id: $id) { id } }"
CANCEL_IMPORT = "mutation($id: ID!) { cancelImport(id: $id) { __typename } }"
CANCEL_JOB = "mutation($id: ID!) { cancelJob(id: $id) { __typename } }"

LISTS = {"imports": IMPORTS, "exports": EXPORTS}
TABLES = {"imports": "contact_import", "exports": "contact_export"}
CAPS = {"imports": MAX_LIST_PAGE, "exports": MAX_LIST_PAGE}
each_list = pytest.mark.parametrize("kind", ["imports", "exports"])


async def start_import(client: httpx.AsyncClient, session: Session) -> dict[str, Any]:
    """The new import's `import { id }` and `job { id }`."""
    started: dict[str, Any] = data_of(await gql_call(client, session, START_IMPORT, text=FILE))
    return started["startImport"]


async def start(client: httpx.AsyncClient, session: Session, kind: str) -> str:
    """A new import or export of the session's workspace; returns its ID."""
    if kind == "imports":
        return str((await start_import(client, session))["import"]["id"])
    body = data_of(await gql_call(client, session, START_EXPORT))
    return str(body["startExport"]["export"]["id"])


async def page_through(
    client: httpx.AsyncClient, session: Session, kind: str, *, first: int, **variables: Any
) -> tuple[list[str], list[int]]:
    """Every ID the list shows, following `endCursor`, and the size of each page."""
    seen: list[str] = []
    sizes: list[int] = []
    after = None
    for _ in range(50):
        body = await gql_call(client, session, LISTS[kind], first=first, after=after, **variables)
        page = data_of(body)[kind]
        edges, info = page["edges"], page["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        cursors = [e["cursor"] for e in edges]
        assert (info["startCursor"], info["endCursor"]) == (
            (cursors[0], cursors[-1]) if cursors else (None, None)
        )
        seen += [e["node"]["id"] for e in edges]
        sizes.append(len(edges))
        if not info["hasNextPage"]:
            return seen, sizes
        after = info["endCursor"]
    raise AssertionError("the list never ended")


def error_summary(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["message"], (e.get("extensions") or {}).get("code")) for e in body["errors"]]


@each_list
async def test_listed_newest_first_in_pages_that_follow_each_other(
    transfer_client: httpx.AsyncClient, kind: str
) -> None:
    session = await create_session()
    started = [await start(transfer_client, session, kind) for _ in range(7)]

    seen, sizes = await page_through(transfer_client, session, kind, first=3)
    whole, _ = await page_through(transfer_client, session, kind, first=20)

    assert sizes == [3, 3, 1]
    assert seen == whole == list(reversed(started))


@each_list
async def test_items_of_the_same_instant_are_each_listed_once(
    transfer_client: httpx.AsyncClient, kind: str
) -> None:
    session = await create_session()
    older = await start(transfer_client, session, kind)
    tied = [await start(transfer_client, session, kind) for _ in range(5)]
    newer = await start(transfer_client, session, kind)
    await sql().execute(
        f"""
        UPDATE {TABLES[kind]} SET created_on = '2024-03-01T08:00:00.123456+00'::timestamptz
            + CASE WHEN id = (SELECT min(id) FROM {TABLES[kind]} WHERE workspace_id = $1)
                   THEN interval '-1 microsecond'
                   WHEN id = (SELECT max(id) FROM {TABLES[kind]} WHERE workspace_id = $1)
                   THEN interval '1 microsecond'
                   ELSE interval '0' END
        WHERE workspace_id = $1
        """,
        session.workspace.id,
    )

    for first in (1, 2, 4):
        seen, _ = await page_through(transfer_client, session, kind, first=first)
        assert seen == [newer, *reversed(tied), older], first


async def test_imports_filter_by_status_as_each_import_shows_it(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    cancelled = (await start_import(transfer_client, session))["import"]["id"]
    previewed = (await start_import(transfer_client, session))["import"]["id"]
    await run_worker()
    await gql_call(transfer_client, session, CANCEL_IMPORT, id=cancelled)
    uploaded = (await start_import(transfer_client, session))["import"]["id"]
    # Its validation job is cancelled before a worker takes it: the import ends with it.
    job_cancelled = await start_import(transfer_client, session)
    await gql_call(transfer_client, session, CANCEL_JOB, id=job_cancelled["job"]["id"])
    job_cancelled_id = job_cancelled["import"]["id"]

    async def listed(*statuses: str) -> list[tuple[str, str]]:
        body = await gql_call(transfer_client, session, IMPORTS, first=20, status=list(statuses))
        return [(e["node"]["id"], e["node"]["status"]) for e in data_of(body)["imports"]["edges"]]

    assert await listed("CANCELLED") == [
        (job_cancelled_id, "CANCELLED"),
        (cancelled, "CANCELLED"),
    ]
    assert await listed("UPLOADED") == [(uploaded, "UPLOADED")]
    assert await listed("PREVIEWED", "UPLOADED") == [
        (uploaded, "UPLOADED"),
        (previewed, "PREVIEWED"),
    ]
    assert await listed("COMMITTED") == []
    assert [i for i, _ in await listed()] == [job_cancelled_id, uploaded, previewed, cancelled]


@each_list
async def test_another_workspaces_items_are_never_listed(
    transfer_client: httpx.AsyncClient, kind: str
) -> None:
    owner = await create_session()
    stranger = await create_session()
    theirs = await start(transfer_client, stranger, kind)
    owned = [await start(transfer_client, owner, kind) for _ in range(3)]
    first_page = data_of(await gql_call(transfer_client, owner, LISTS[kind], first=1))[kind]

    as_stranger, _ = await page_through(transfer_client, stranger, kind, first=1)
    as_owner, _ = await page_through(transfer_client, owner, kind, first=2)
    # A cursor only marks a position: past the owner's newest, the stranger sees only theirs.
    with_owners_cursor = await gql_call(
        transfer_client, stranger, LISTS[kind], first=10, after=first_page["pageInfo"]["endCursor"]
    )

    assert as_stranger == [theirs]
    assert as_owner == list(reversed(owned))
    assert [e["node"]["id"] for e in data_of(with_owners_cursor)[kind]["edges"]] == [theirs]


@pytest.mark.parametrize(
    ("kind", "single", "permission"),
    [("imports", IMPORT, Permission.IMPORT), ("exports", EXPORT, Permission.EXPORT)],
)
async def test_listing_needs_what_reading_one_needs(
    transfer_client: httpx.AsyncClient, kind: str, single: str, permission: Permission
) -> None:
    admin = await create_session()
    item = await start(transfer_client, admin, kind)
    viewer = await create_session(admin.workspace, role=Role.VIEWER)
    barred = await create_session(admin.workspace, role=Role.EDITOR, name="Bo")
    barred.caller.member.disabled_permissions = [permission.value]
    await barred.caller.member.save()

    for member in (viewer, barred):
        one = await gql_call(transfer_client, member, single, id=item)
        listed = await gql_call(transfer_client, member, LISTS[kind], first=20)

        assert one["data"] == {kind[:-1]: None}
        assert listed["data"] is None
        assert error_summary(listed) == error_summary(one)
        assert [code for _, code in error_summary(listed)] == ["FORBIDDEN"]


@each_list
async def test_the_page_size_is_capped(transfer_client: httpx.AsyncClient, kind: str) -> None:
    session = await create_session()
    original = await start(transfer_client, session, kind)
    table, cap = TABLES[kind], CAPS[kind]
    columns = await sql().fetchval(
        """
        SELECT string_agg(column_name, ', ') FROM information_schema.columns
        WHERE table_name = $1 AND column_name NOT IN ('id', 'uuid')
        """,
        table,
    )
    await sql().execute(
        f"""
        INSERT INTO {table} (uuid, {columns})
        SELECT gen_random_uuid(), {columns} FROM {table}, generate_series(1, $2)
        WHERE workspace_id = $1
        """,
        session.workspace.id,
        cap,
    )

    page = data_of(await gql_call(transfer_client, session, LISTS[kind], first=cap * 10))[kind]
    rest = await gql_call(
        transfer_client, session, LISTS[kind], first=cap * 10, after=page["pageInfo"]["endCursor"]
    )
    empty = data_of(await gql_call(transfer_client, session, LISTS[kind], first=-5))[kind]

    assert len(page["edges"]) == cap
    assert page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in data_of(rest)[kind]["edges"]] == [original]
    assert (empty["edges"], empty["pageInfo"]["hasNextPage"]) == ([], True)


@pytest.mark.parametrize(
    ("kind", "query"),
    [
        (
            "imports",
            "{ imports(first: 50) { edges { node { id status counts { rows } "
            "validationJob { status } commitJob { status } } } } }",
        ),
        ("exports", "{ exports(first: 50) { edges { node { id rowCount job { status } } } } }"),
    ],
)
async def test_a_list_costs_the_same_queries_for_one_item_or_many(
    transfer_client: httpx.AsyncClient, count_queries: Any, kind: str, query: str
) -> None:
    session = await create_session()
    await start(transfer_client, session, kind)
    await gql_call(transfer_client, session, "{ me { member { name } } }")
    with count_queries() as one:
        body = await gql_call(transfer_client, session, query)
    assert len(data_of(body)[kind]["edges"]) == 1
    for _ in range(11):
        await start(transfer_client, session, kind)
    with count_queries() as many:
        body = await gql_call(transfer_client, session, query)
    assert len(data_of(body)[kind]["edges"]) == 12
    assert_same_statement_count(one, many)


async def test_a_cursor_that_is_not_one_is_refused(transfer_client: httpx.AsyncClient) -> None:
    session = await create_session()

    body = await gql_call(transfer_client, session, IMPORTS, first=5, after="not-a-cursor")

    assert error_summary(body) == [("The cursor is not valid for this list.", "INVALID")]
