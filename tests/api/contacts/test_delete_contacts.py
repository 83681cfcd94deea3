"""deleteContacts: only the archived contacts selected are deleted."""

from __future__ import annotations

import httpx

from core.sql import sql
from models.enums import ContactStatus
from services.editing import contacts
from tests.api.jobs.support import progress, read_job, start
from tests.conftest import RunWorker
from tests.factories import (
    GroupState,
    contact_gid,
    contact_statuses,
    create_contact,
    create_group,
    create_session,
    event_rows,
    group_state,
)


async def test_delete_contacts_deletes_only_the_archived_ones(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    archived = [
        await create_contact(
            session, f"A{i}", urns=[f"tel:078800000{i}"], status=ContactStatus.ARCHIVED
        )
        for i in range(2)
    ]
    active = await create_contact(session, "Active")
    blocked = await create_contact(session, "Blocked", status=ContactStatus.BLOCKED)
    started = await start(
        client, session, "deleteContacts", filter={"status": ["ARCHIVED", "ACTIVE", "BLOCKED"]}
    )
    assert progress(started["job"]) == ("QUEUED", 0, 4, 0, 0)
    await run_worker()
    assert progress(await read_job(client, session, started["job"]["id"])) == (
        "SUCCEEDED",
        4,
        4,
        2,
        2,
    )
    assert await contact_statuses(session.workspace) == {
        active.id: "active",
        blocked.id: "blocked",
    }
    events = await event_rows(archived[0])
    assert [e["kind"] for e in events] == ["created", "deleted"]
    assert events[-1]["data"] == {"name": "A0", "urns": ["tel:+250788000000"], "flags": []}
    assert events[-1]["actor_kind"] == "job"


async def test_deleting_contacts_keeps_group_counts_exact(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = [await create_contact(session, f"P{i}") for i in range(4)]
    group = await create_group(session.workspace, "Group", people)
    # Archived contacts normally leave groups; put two back by hand to prove deletion counts.
    for person in people[:3]:
        await contacts.update_contact(
            session.caller, person.uuid, contacts.ContactPatch(status=ContactStatus.ARCHIVED)
        )
    await sql().execute(
        "INSERT INTO group_contact (workspace_id, group_id, contact_id) VALUES ($1, $2, $3), "
        "($1, $2, $4)",
        session.workspace.id,
        group,
        people[0].id,
        people[1].id,
    )
    await sql().execute("UPDATE contact_group SET member_count = 3 WHERE id = $1", group)
    job = (await start(client, session, "deleteContacts", ids=[contact_gid(p) for p in people]))[
        "job"
    ]
    await run_worker()
    assert progress(await read_job(client, session, job["id"])) == ("SUCCEEDED", 4, 4, 3, 1)
    assert await group_state(group) == GroupState(1, frozenset({people[3].id}))
