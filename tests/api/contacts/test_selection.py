"""A selection of contacts for a job: exactly one of `ids` or `filter`."""

from __future__ import annotations

import httpx
import pytest

from tests.api.jobs.support import start
from tests.factories import contact_gid, create_contact, create_session, workspace_snapshot


@pytest.mark.parametrize("mutation", ["archiveContacts", "restoreContacts", "deleteContacts"])
@pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
async def test_selection_needs_exactly_one_of_ids_or_filter(
    client: httpx.AsyncClient, mutation: str, both: bool
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    before = await workspace_snapshot(session.workspace)
    if both:
        result = await start(client, session, mutation, ids=[contact_gid(ann)], filter={})
    else:
        result = await start(client, session, mutation)
    assert result == {
        "__typename": "ValidationError",
        "message": "Give either `ids` or `filter`, not both or neither.",
        "code": "INVALID",
        "field": "selection",
    }
    assert await workspace_snapshot(session.workspace) == before
