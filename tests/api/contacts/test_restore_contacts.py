"""restoreContacts: only archived contacts come back."""

from __future__ import annotations

import httpx

from models.enums import ContactStatus
from tests.api.jobs.support import progress, read_job, start
from tests.conftest import RunWorker
from tests.factories import contact_gid, contact_statuses, create_contact, create_session


async def test_restore_only_restores_archived_contacts(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    archived = [
        await create_contact(session, f"A{i}", status=ContactStatus.ARCHIVED) for i in range(2)
    ]
    blocked = await create_contact(session, "Blocked", status=ContactStatus.BLOCKED)
    active = await create_contact(session, "Active")
    started = await start(
        client,
        session,
        "restoreContacts",
        ids=[contact_gid(c) for c in [*archived, blocked, active]],
    )
    assert started["job"]["kind"] == "RESTORE_CONTACTS"
    await run_worker()
    assert progress(await read_job(client, session, started["job"]["id"])) == (
        "SUCCEEDED",
        4,
        4,
        2,
        2,
    )
    statuses = await contact_statuses(session.workspace)
    assert [statuses[c.id] for c in [*archived, blocked, active]] == [
        "active",
        "active",
        "blocked",
        "active",
    ]
