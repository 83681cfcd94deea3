"""deleteAllContacts: every contact, after the exact confirmation phrase."""

from __future__ import annotations

import httpx
import pytest

from models.enums import ContactStatus
from tests.api.jobs.support import JOB_FIELDS, progress, read_job
from tests.conftest import RunWorker
from tests.factories import (
    contact_statuses,
    create_contact,
    create_session,
    create_workspace,
    data_of,
    gql,
    workspace_snapshot,
)

DELETE_ALL = f"""
mutation($confirmation: String!) {{
  deleteAllContacts(confirmation: $confirmation) {{
    __typename
    ... on JobStarted {{ job {{ {JOB_FIELDS} }} }}
    ... on UserError {{ message code field }}
  }}
}}
"""


async def test_delete_all_contacts_with_the_exact_phrase_deletes_every_status(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session(await create_workspace("Acme Corp"))
    for status in ContactStatus:
        await create_contact(session, status.value, status=status)
    result = data_of(
        await gql(client, session, DELETE_ALL, {"confirmation": "delete all contacts in Acme Corp"})
    )["deleteAllContacts"]
    assert result["__typename"] == "JobStarted", result
    assert result["job"]["kind"] == "DELETE_ALL_CONTACTS"
    assert progress(result["job"]) == ("QUEUED", 0, 4, 0, 0)
    await run_worker()
    assert progress(await read_job(client, session, result["job"]["id"])) == (
        "SUCCEEDED",
        4,
        4,
        4,
        0,
    )
    assert await contact_statuses(session.workspace) == {}


@pytest.mark.parametrize(
    "phrase", ["delete all contacts", "delete all contacts in Other", "yes", ""]
)
async def test_delete_all_contacts_with_a_wrong_phrase_queues_nothing(
    client: httpx.AsyncClient, phrase: str
) -> None:
    session = await create_session(await create_workspace("Acme Corp"))
    await create_contact(session, "Ann")
    before = await workspace_snapshot(session.workspace)
    result = data_of(await gql(client, session, DELETE_ALL, {"confirmation": phrase}))
    assert result["deleteAllContacts"] == {
        "__typename": "ConfirmationError",
        "message": 'To delete every contact, type exactly: "delete all contacts in Acme Corp".',
        "code": "CONFIRMATION_MISMATCH",
        "field": "confirmation",
    }
    assert await workspace_snapshot(session.workspace) == before
