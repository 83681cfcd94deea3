"""`createAudienceSnapshot`: freezing who matches, and the job that does it (issue 4)."""

from __future__ import annotations

import httpx

from core.sql import sql
from models.enums import ContactStatus
from services.editing import contacts
from services.fields import definitions as fields
from services.groups import definitions as groups
from tests.api.audiences.support import (
    SNAPSHOT,
    audience,
    contact_named,
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
    create_contact,
    data_of,
    global_id,
    gql,
    run_one_chunk,
    workspace_snapshot,
)


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


async def test_a_snapshot_of_an_unreadable_audience_is_a_query_error(
    client: httpx.AsyncClient, crowd: Session
) -> None:
    result = data_of(await gql(client, crowd, SNAPSHOT, {"input": {"includeGroups": ["Nobody"]}}))[
        "createAudienceSnapshot"
    ]
    assert (result["__typename"], result["queryCode"]) == ("QueryError", "invalid_group")
    assert (await workspace_snapshot(crowd.workspace))["snapshots"] == []


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


CANCEL_JOB = """
mutation($id: ID!) { cancelJob(id: $id) { __typename ... on UserError { code } } }
"""


async def claim(job: str) -> None:
    """As a worker does before its first chunk."""
    await sql().execute("UPDATE job SET status = 'running' WHERE uuid = $1", job)


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
