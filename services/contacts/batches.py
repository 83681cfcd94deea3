"""Contacts and their parts for many keys at once, one statement each, in the keys' order:
what a page of contacts reads for every row it shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

from core.sql import sql
from services.contacts import statements
from services.contacts.records import ContactRecord, FlagRecord, URNRecord


async def urns_of_contacts(workspace_id: int, contact_ids: Sequence[int]) -> list[list[URNRecord]]:
    """Each contact's addresses, highest priority first."""
    rows = await sql().fetch(statements.URNS_OF_CONTACTS, workspace_id, list(contact_ids))
    grouped: dict[int, list[URNRecord]] = defaultdict(list)
    for r in rows:
        grouped[r["contact_id"]].append(
            URNRecord(r["contact_id"], r["scheme"], r["path"], r["priority"])
        )
    return [grouped[cid] for cid in contact_ids]


async def flags_of_contacts(
    workspace_id: int, contact_ids: Sequence[int]
) -> list[list[FlagRecord]]:
    """Each contact's flags by name."""
    rows = await sql().fetch(statements.FLAGS_OF_CONTACTS, workspace_id, list(contact_ids))
    grouped: dict[int, list[FlagRecord]] = defaultdict(list)
    for r in rows:
        grouped[r["contact_id"]].append(FlagRecord(r["id"], r["uuid"], r["name"]))
    return [grouped[cid] for cid in contact_ids]


async def contacts_by_uuid(workspace_id: int, uuids: Sequence[UUID]) -> list[ContactRecord | None]:
    """None for a UUID no contact of the workspace has."""
    rows = await sql().fetch(statements.CONTACTS_BY_UUID, workspace_id, list(uuids))
    found = {r["uuid"]: ContactRecord.from_row(r) for r in rows}
    return [found.get(u) for u in uuids]
