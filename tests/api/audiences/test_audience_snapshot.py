"""`audienceSnapshot(id)`: reading a frozen audience, and how long it is kept (issue 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import pytest
from strawberry.relay import GlobalID

from core.settings import Settings
from core.sql import sql
from services.audiences import snapshots as audiences
from services.errors import InvalidState
from services.keyset import PageRequest
from tests.api.audiences.support import (
    READ_SNAPSHOT,
    SNAPSHOT,
    delete_contact,
    frozen_rows,
    lifecycle,
    names_of,
    read_snapshot,
    start_snapshot,
)
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    contact_gid,
    create_contact,
    create_session,
    data_of,
    global_id,
    gql,
)
from workers.tasks import clean_up_files


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


async def test_another_workspaces_snapshot_does_not_exist(
    client: httpx.AsyncClient, crowd: Session, run_worker: RunWorker
) -> None:
    snapshot_id, _ = await start_snapshot(client, crowd)
    await run_worker()
    stranger = await create_session()
    for query in (READ_SNAPSHOT, "query($id: ID!) { node(id: $id) { id } }"):
        body = await gql(client, stranger, query, {"id": snapshot_id, "first": 5})
        assert list(data_of(body).values()) == [None]


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

    # The clean-up sweeps every workspace: other tests' expired files may be counted too.
    assert await clean_up_files({"settings": settings}) >= 1

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
