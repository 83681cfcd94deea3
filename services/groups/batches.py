"""Groups read for many contacts at once (one statement per page of contacts)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from core.sql import sql
from services.groups import statements
from services.groups.definitions import GroupRecord, record_from_row


async def groups_of_contacts(
    workspace_id: int, contact_ids: Sequence[int]
) -> list[list[GroupRecord]]:
    """Each contact's groups, manual and smart, by name."""
    rows = await sql().fetch(statements.GROUPS_OF_CONTACTS, workspace_id, list(contact_ids))
    grouped: dict[int, list[GroupRecord]] = defaultdict(list)
    for r in rows:
        grouped[r["contact_id"]].append(record_from_row(r))
    return [grouped[cid] for cid in contact_ids]
