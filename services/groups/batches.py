"""Groups read for many contacts at once (one statement per page of contacts)."""

from __future__ import annotations

from collections.abc import Sequence

from services.contacts.batches import per_contact
from services.groups import statements
from services.groups.definitions import GroupRecord, record_from_row


async def groups_of_contacts(
    workspace_id: int, contact_ids: Sequence[int]
) -> list[list[GroupRecord]]:
    """Each contact's groups, manual and smart, by name."""
    return await per_contact(
        statements.GROUPS_OF_CONTACTS, workspace_id, contact_ids, record_from_row
    )
