"""Contacts and their parts for many keys at once, one statement each, in the keys' order:
what a page of contacts reads for every row it shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TypeVar
from uuid import UUID

import asyncpg

from core.sql import sql
from services.contacts import statements
from services.contacts.records import ContactRecord, FlagRecord, URNRecord

T = TypeVar("T")


async def per_contact(
    statement: str,
    workspace_id: int,
    contact_ids: Sequence[int],
    build: Callable[[asyncpg.Record], T],
) -> list[list[T]]:
    """The rows `statement` ($1 workspace, $2 contact ids; each row with its `contact_id`) reads
    for the contacts, each made an item by `build`, as one list per contact in the ids' order
    and the rows' order within it."""
    rows = await sql().fetch(statement, workspace_id, list(contact_ids))
    grouped: dict[int, list[T]] = defaultdict(list)
    for r in rows:
        grouped[r["contact_id"]].append(build(r))
    return [grouped[cid] for cid in contact_ids]


async def urns_of_contacts(workspace_id: int, contact_ids: Sequence[int]) -> list[list[URNRecord]]:
    """Each contact's addresses, highest priority first."""
    return await per_contact(
        statements.URNS_OF_CONTACTS,
        workspace_id,
        contact_ids,
        lambda r: URNRecord(r["contact_id"], r["scheme"], r["path"], r["priority"]),
    )


async def flags_of_contacts(
    workspace_id: int, contact_ids: Sequence[int]
) -> list[list[FlagRecord]]:
    """Each contact's flags by name."""
    return await per_contact(
        statements.FLAGS_OF_CONTACTS,
        workspace_id,
        contact_ids,
        lambda r: FlagRecord(r["id"], r["uuid"], r["name"]),
    )


async def contacts_by_uuid(workspace_id: int, uuids: Sequence[UUID]) -> list[ContactRecord | None]:
    """None for a UUID no contact of the workspace has."""
    rows = await sql().fetch(statements.CONTACTS_BY_UUID, workspace_id, list(uuids))
    found = {r["uuid"]: ContactRecord.from_row(r) for r in rows}
    return [found.get(u) for u in uuids]
