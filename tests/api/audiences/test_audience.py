"""Audiences for campaign builders (issue 4): `audience(input)` and frozen snapshots."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from strawberry.relay import GlobalID

from core.settings import Settings
from core.sql import sql
from models.enums import ContactStatus, FieldType
from services.audiences import snapshots as audiences
from services.contacts.records import ContactRecord
from services.editing import contacts
from services.errors import InvalidState
from services.fields import definitions as fields
from services.groups import definitions as groups
from services.groups import members as group_members
from services.keyset import PageRequest
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    contact_gid,
    create_contact,
    create_session,
    data_of,
    define_field,
    error_codes,
    global_id,
    gql,
    job_uuid,
    run_one_chunk,
    workspace_snapshot,
)
from workers.tasks import clean_up_files

AUDIENCE = """
query($input: AudienceInput!, $first: Int!, $after: String) {
  audience(input: $input) {
    __typename
    ... on Audience {
      canonicalQuery count
      contacts(first: $first, after: $after) {
        totalCount edges { node { name } } pageInfo { hasNextPage endCursor }
      }
    }
    ... on QueryError { message code field queryCode extra }
  }
}
"""
SNAPSHOT = """
mutation($input: AudienceInput!) {
  createAudienceSnapshot(input: $input) {
    __typename
    ... on AudienceSnapshotStarted {
      snapshot { id query status count contacts { totalCount } }
      job { id kind status progress { total } }
    }
    ... on QueryError { message code field queryCode extra }
  }
}
"""
READ_SNAPSHOT = """
query($id: ID!, $first: Int!, $after: String) {
  audienceSnapshot(id: $id) {
    id query status count expiresOn job { status }
    contacts(first: $first, after: $after) {
      totalCount edges { node { name status } } pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def audience(
    client: httpx.AsyncClient, session: Session, first: int = 50, **input: Any
) -> dict[str, Any]:
    body = await gql(client, session, AUDIENCE, {"input": input, "first": first})
    result: dict[str, Any] = data_of(body)["audience"]
    return result


async def contact_named(session: Session, name: str) -> ContactRecord:
    uuid = await sql().fetchval(
        "SELECT uuid FROM contact WHERE workspace_id = $1 AND name = $2",
        session.workspace.id,
        name,
    )
    found = await contacts.get_contact(session.caller, uuid)
    assert found is not None
    return found


def names_of(connection: dict[str, Any]) -> list[str]:
    return [e["node"]["name"] for e in connection["edges"]]


@pytest.fixture
async def crowd() -> Session:
    """Ages, flags, groups and statuses to aim at."""
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    people: dict[str, ContactRecord] = {}
    for name, age, flags, status in [
        ("Ann", 25, ["Gold", "VIP"], ContactStatus.ACTIVE),
        ("Bob", 45, ["Gold"], ContactStatus.ACTIVE),
        ("Cy", 65, ["VIP"], ContactStatus.ACTIVE),
        ("Di", 70, ["Gold", "VIP"], ContactStatus.ACTIVE),
        ("Ed", 80, ["Gold", "VIP"], ContactStatus.ARCHIVED),
        ("Flo", 50, [], ContactStatus.BLOCKED),
        ("Gus", 15, [], ContactStatus.STOPPED),
    ]:
        people[name] = await create_contact(
            session, name, flags=flags, status=status, fields={"age": str(age)}
        )
    for name, members in [
        ("Members", ["Ann", "Bob", "Cy"]),
        ("Staff", ["Di"]),
        ("Opted Out", ["Bob"]),
    ]:
        group = await groups.create_group(session.caller, name=name)
        await group_members.add_contacts(
            session.caller, group.uuid, [people[m].uuid for m in members]
        )
    return session


# --- audience ------------------------------------------------------------------------------------


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


# --- snapshots ---------------------------------------------------------------------------------


async def read_snapshot(
    client: httpx.AsyncClient, session: Session, snapshot_id: str, first: int = 50
) -> Any:
    body = await gql(client, session, READ_SNAPSHOT, {"id": snapshot_id, "first": first})
    return data_of(body)["audienceSnapshot"]


async def test_a_snapshot_freezes_who_matched(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    started = data_of(
        await gql(client, crowd, SNAPSHOT, {"input": {"flagsAny": ["VIP"], "query": "age > 20"}})
    )["createAudienceSnapshot"]
    assert started["__typename"] == "AudienceSnapshotStarted"
    snapshot = started["snapshot"]
    assert (snapshot["query"], snapshot["status"], snapshot["count"], snapshot["contacts"]) == (
        'fields.age > 20 AND flag = "VIP" AND status = "active"',
        "BUILDING",
        None,
        None,
    )
    assert (started["job"]["kind"], started["job"]["status"]) == ("AUDIENCE_SNAPSHOT", "QUEUED")
    await run_worker()
    frozen = await read_snapshot(client, crowd, snapshot["id"])
    assert (frozen["status"], frozen["count"], frozen["job"]["status"]) == (
        "READY",
        3,
        "SUCCEEDED",
    )
    assert [e["node"]["name"] for e in frozen["contacts"]["edges"]] == ["Ann", "Cy", "Di"]
    assert frozen["contacts"]["totalCount"] == 3
    # Contacts keep changing; the snapshot does not.
    await create_contact(crowd, "Newcomer", flags=["VIP"], fields={"age": "33"})
    cy = await contact_named(crowd, "Cy")
    await contacts.update_contact(
        crowd.caller, cy.uuid, contacts.ContactPatch(status=ContactStatus.ARCHIVED)
    )
    later = await read_snapshot(client, crowd, snapshot["id"])
    assert later["count"] == 3
    assert [(e["node"]["name"], e["node"]["status"]) for e in later["contacts"]["edges"]] == [
        ("Ann", "ACTIVE"),
        ("Cy", "ARCHIVED"),
        ("Di", "ACTIVE"),
    ]
    # The live audience moved on.
    live = await audience(client, crowd, flagsAny=["VIP"], query="age > 20")
    assert names_of(live["contacts"]) == ["Ann", "Di", "Newcomer"]


async def test_snapshot_contacts_page_in_a_stable_order(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    started = data_of(await gql(client, crowd, SNAPSHOT, {"input": {}}))["createAudienceSnapshot"]
    await run_worker()
    seen: list[str] = []
    after = None
    while True:
        body = await gql(
            client,
            crowd,
            READ_SNAPSHOT,
            {"id": started["snapshot"]["id"], "first": 1, "after": after},
        )
        page = data_of(body)["audienceSnapshot"]["contacts"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["Ann", "Bob", "Cy", "Di"]


async def test_a_snapshot_of_an_unreadable_audience_is_a_query_error(
    client: httpx.AsyncClient, crowd: Session
) -> None:
    result = data_of(await gql(client, crowd, SNAPSHOT, {"input": {"includeGroups": ["Nobody"]}}))[
        "createAudienceSnapshot"
    ]
    assert (result["__typename"], result["queryCode"]) == ("QueryError", "invalid_group")
    assert (await workspace_snapshot(crowd.workspace))["snapshots"] == []


async def test_an_unknown_snapshot_is_null(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    for snapshot_id in (
        global_id("AudienceSnapshot", "00000000-0000-4000-8000-000000000000"),
        global_id("AudienceSnapshot", "nope"),
        contact_gid(ann),
    ):
        body = await gql(client, session, READ_SNAPSHOT, {"id": snapshot_id, "first": 5})
        assert data_of(body) == {"audienceSnapshot": None}


async def test_a_snapshot_is_a_node(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    started = data_of(await gql(client, crowd, SNAPSHOT, {"input": {"flagsAll": ["Gold"]}}))[
        "createAudienceSnapshot"
    ]
    await run_worker()
    snapshot_id = started["snapshot"]["id"]
    body = await gql(
        client,
        crowd,
        "query($id: ID!) { node(id: $id) { id ... on AudienceSnapshot { count } } }",
        {"id": snapshot_id},
    )
    assert data_of(body) == {"node": {"id": snapshot_id, "count": 3}}


async def test_a_snapshot_keeps_its_audience_when_a_group_is_renamed_before_the_job_runs(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    started = data_of(
        await gql(client, crowd, SNAPSHOT, {"input": {"includeGroups": ["Members"]}})
    )["createAudienceSnapshot"]
    members = next(g for g in await groups.list_groups(crowd.caller) if g.name == "Members")
    await groups.update_group(crowd.caller, members.uuid, name="Club")
    await run_worker()
    frozen = await read_snapshot(client, crowd, started["snapshot"]["id"])
    assert (frozen["count"], [e["node"]["name"] for e in frozen["contacts"]["edges"]]) == (
        3,
        ["Ann", "Bob", "Cy"],
    )


# --- a snapshot's lifecycle --------------------------------------------------------------------

CANCEL_JOB = """
mutation($id: ID!) { cancelJob(id: $id) { __typename ... on UserError { code } } }
"""


async def start_snapshot(
    client: httpx.AsyncClient, session: Session, **input: Any
) -> tuple[str, str]:
    """The snapshot's global ID and its job's UUID."""
    started = data_of(await gql(client, session, SNAPSHOT, {"input": input}))[
        "createAudienceSnapshot"
    ]
    return started["snapshot"]["id"], job_uuid(started["job"]["id"])


async def frozen_rows(snapshot_id: str) -> int:
    count: int = await sql().fetchval(
        "SELECT count(*) FROM audience_snapshot_contact s JOIN audience_snapshot a "
        "ON a.id = s.snapshot_id WHERE a.uuid = $1",
        GlobalID.from_id(snapshot_id).node_id,
    )
    return count


async def claim(job: str) -> None:
    """As a worker does before its first chunk."""
    await sql().execute("UPDATE job SET status = 'running' WHERE uuid = $1", job)


async def delete_contact(session: Session, name: str) -> None:
    found = await contact_named(session, name)
    archived = contacts.ContactPatch(status=ContactStatus.ARCHIVED)
    await contacts.update_contact(session.caller, found.uuid, archived)
    await contacts.delete_contact(session.caller, found.uuid)


def lifecycle(snapshot: dict[str, Any]) -> tuple[str, int | None, Any]:
    return snapshot["status"], snapshot["count"], snapshot["contacts"]


async def test_a_half_frozen_snapshot_has_no_count_and_no_contacts(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    snapshot_id, job = await start_snapshot(client, crowd, statuses=[])
    await claim(job)
    assert await run_one_chunk(job, chunk_size=3) is None
    assert await frozen_rows(snapshot_id) == 3
    building = await read_snapshot(client, crowd, snapshot_id)
    assert (lifecycle(building), building["job"]["status"]) == (
        ("BUILDING", None, None),
        "RUNNING",
    )
    await run_worker()
    ready = await read_snapshot(client, crowd, snapshot_id)
    assert lifecycle(ready)[:2] == ("READY", 7)
    assert ready["contacts"]["totalCount"] == 7


async def test_a_snapshot_cancelled_while_running_drops_what_it_froze(
    client: httpx.AsyncClient, crowd: Session
) -> None:
    snapshot_id, job = await start_snapshot(client, crowd, statuses=[])
    await claim(job)
    await run_one_chunk(job, chunk_size=3)
    cancelled = data_of(await gql(client, crowd, CANCEL_JOB, {"id": global_id("Job", job)}))
    assert cancelled["cancelJob"]["__typename"] == "JobCancelled"
    # The worker stops at its next chunk; until then the snapshot is still building.
    assert lifecycle(await read_snapshot(client, crowd, snapshot_id)) == ("BUILDING", None, None)
    assert str(await run_one_chunk(job, chunk_size=3)) == "cancelled"
    assert lifecycle(await read_snapshot(client, crowd, snapshot_id)) == ("CANCELLED", None, None)
    assert await frozen_rows(snapshot_id) == 0


async def test_a_snapshot_cancelled_while_queued_never_freezes(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    snapshot_id, job = await start_snapshot(client, crowd)
    await gql(client, crowd, CANCEL_JOB, {"id": global_id("Job", job)})
    await run_worker()
    assert lifecycle(await read_snapshot(client, crowd, snapshot_id)) == ("CANCELLED", None, None)
    assert await frozen_rows(snapshot_id) == 0


async def test_a_snapshot_that_fails_part_way_drops_what_it_froze(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    snapshot_id, job = await start_snapshot(client, crowd, query="age > 0", statuses=[])
    await claim(job)
    await run_one_chunk(job, chunk_size=3)
    assert await frozen_rows(snapshot_id) == 3
    await fields.delete_field(crowd.caller, "age")  # the query no longer reads
    await run_worker()
    failed = await read_snapshot(client, crowd, snapshot_id)
    assert (lifecycle(failed), failed["job"]["status"]) == (("FAILED", None, None), "FAILED")
    assert await frozen_rows(snapshot_id) == 0


async def test_a_contact_deleted_while_the_snapshot_builds_is_not_counted(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    snapshot_id, job = await start_snapshot(client, crowd)
    await claim(job)
    await run_one_chunk(job, chunk_size=2)  # Ann and Bob are frozen
    await delete_contact(crowd, "Bob")
    await run_worker()
    ready = await read_snapshot(client, crowd, snapshot_id)
    assert lifecycle(ready)[:2] == ("READY", 3)
    assert names_of(ready["contacts"]) == ["Ann", "Cy", "Di"]
    assert ready["contacts"]["totalCount"] == 3


async def test_the_count_stays_frozen_when_contacts_are_deleted_after(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    snapshot_id, _ = await start_snapshot(client, crowd)
    await run_worker()
    await delete_contact(crowd, "Cy")
    later = await read_snapshot(client, crowd, snapshot_id)
    assert lifecycle(later)[:2] == ("READY", 4)
    assert names_of(later["contacts"]) == ["Ann", "Bob", "Di"]
    assert later["contacts"]["totalCount"] == 3


async def test_a_chunk_run_twice_freezes_each_contact_once(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    snapshot_id, job = await start_snapshot(client, crowd, statuses=[])
    await claim(job)
    await run_one_chunk(job, chunk_size=3)
    # The worker died before its checkpoint reached the database: the chunk runs again.
    await sql().execute("UPDATE job SET checkpoint = 0 WHERE uuid = $1", job)
    await run_worker()
    ready = await read_snapshot(client, crowd, snapshot_id)
    assert lifecycle(ready)[:2] == ("READY", 7)
    assert len(names_of(ready["contacts"])) == ready["contacts"]["totalCount"] == 7
    assert await frozen_rows(snapshot_id) == 7


async def test_another_workspaces_snapshot_does_not_exist(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    snapshot_id, _ = await start_snapshot(client, crowd)
    await run_worker()
    stranger = await create_session()
    for query in (READ_SNAPSHOT, "query($id: ID!) { node(id: $id) { id } }"):
        body = await gql(client, stranger, query, {"id": snapshot_id, "first": 5})
        assert list(data_of(body).values()) == [None]


# --- retention ---------------------------------------------------------------------------------

WEEK = timedelta(days=7)


async def ready_ago(snapshot_id: str, age: timedelta) -> None:
    """As if the snapshot had been made and become ready `age` ago."""
    await sql().execute(
        """
        WITH s AS (
            UPDATE audience_snapshot SET created_on = created_on - $2::interval
            WHERE uuid = $1 RETURNING job_id
        )
        UPDATE job SET finished_on = finished_on - $2::interval WHERE id = (SELECT job_id FROM s)
        """,
        GlobalID.from_id(snapshot_id).node_id,
        age,
    )


async def test_a_snapshot_keeps_its_contacts_for_a_week_then_expires(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker, settings: Settings
) -> None:
    old, _ = await start_snapshot(client, crowd)
    recent, _ = await start_snapshot(client, crowd)
    await run_worker()
    late_start, _ = await start_snapshot(client, crowd)  # still queued
    await ready_ago(old, WEEK + timedelta(minutes=1))
    await ready_ago(recent, WEEK - timedelta(minutes=1))
    await sql().execute(
        "UPDATE audience_snapshot SET created_on = created_on - $2::interval WHERE uuid = $1",
        GlobalID.from_id(late_start).node_id,
        WEEK * 2,
    )

    # Past its time the snapshot has expired, even before the clean-up deletes its rows.
    before = await read_snapshot(client, crowd, old)
    assert (before["status"], before["count"], before["contacts"]) == ("EXPIRED", 4, None)
    assert await frozen_rows(old) == 4

    assert await clean_up_files({"settings": settings}) == 1

    expired = await read_snapshot(client, crowd, old)
    assert (expired["status"], expired["count"], expired["contacts"]) == ("EXPIRED", 4, None)
    assert datetime.fromisoformat(expired["expiresOn"]) <= datetime.now(UTC)
    assert await frozen_rows(old) == 0
    kept = await read_snapshot(client, crowd, recent)
    assert (kept["status"], kept["contacts"]["totalCount"]) == ("READY", 4)
    assert datetime.fromisoformat(kept["expiresOn"]) > datetime.now(UTC)
    assert await frozen_rows(recent) == 4
    queued = await read_snapshot(client, crowd, late_start)
    assert (queued["status"], queued["expiresOn"]) == ("BUILDING", None)


async def test_paging_an_expired_snapshot_says_to_make_a_new_one(
    crowd: Session, run_worker: RunWorker, client: httpx.AsyncClient
) -> None:
    snapshot_id, _ = await start_snapshot(client, crowd)
    await run_worker()
    await ready_ago(snapshot_id, WEEK + timedelta(minutes=1))
    with pytest.raises(InvalidState, match="expired: only a ready snapshot .* Create a new"):
        await audiences.snapshot_contacts(
            crowd.caller, UUID(GlobalID.from_id(snapshot_id).node_id), PageRequest(first=5)
        )
