"""Updating the matched contacts of a chunk: read them locked, diff in Python (history needs
the before and after of each value), then write every change with one statement per table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.sql import Sql
from models.enums import ContactStatus
from services.contacts.history import write_events
from services.groups.membership import leave_all_groups
from services.imports import statements
from services.imports.commit_context import CommitContext, RowSpan
from services.imports.update_diff import (
    ATTRIBUTES,
    ContactBefore,
    ContactUpdate,
    Differ,
    FlagRef,
    RowValues,
)


@dataclass(frozen=True, slots=True)
class UpdateOutcome:
    changed_ids: list[int]
    unchanged: int


def _before(row: Any) -> ContactBefore:
    return ContactBefore(
        id=row["id"],
        uuid=row["uuid"],
        attributes={name: row[name] for name in ATTRIBUTES},
        status=row["status"],
        fields=json.loads(row["fields"]),
        urns=list(row["urns"]),
        flags=[FlagRef(i, n) for i, n in zip(row["flag_ids"], row["flag_names"], strict=True)],
    )


def _values(row: Any) -> RowValues:
    return RowValues(
        attributes={name: row[name] for name in ATTRIBUTES if row[name] is not None},
        status=row["status"],
        cleared=frozenset(row["cleared"] or ()),
        urns=row["urns"] or (),
        fields=json.loads(row["fields"]) if row["fields"] else {},
        cleared_fields=row["cleared_fields"] or (),
        flags=row["flags"] or (),
    )


async def _write_contacts(tx: Sql, updates: Sequence[ContactUpdate]) -> None:
    records = [
        {"id": u.contact_id, "status": u.status, "fields": u.fields, **u.attributes}
        for u in updates
    ]
    await tx.execute(statements.UPDATE_CONTACTS, json.dumps(records))


async def _write_urns(tx: Sql, workspace_id: int, updates: Sequence[ContactUpdate]) -> None:
    removed = [(u.contact_id, urn) for u in updates for urn in u.urns_removed]
    if removed:
        await tx.execute(
            statements.DELETE_REMOVED_URNS,
            workspace_id,
            [c for c, _ in removed],
            [urn for _, urn in removed],
        )
    added = [(u.contact_id, urn) for u in updates for urn in u.urns_added]
    if added:
        await tx.execute(
            statements.INSERT_ADDED_URNS,
            workspace_id,
            [c for c, _ in added],
            [urn for _, urn in added],
        )


async def _write_flags(tx: Sql, workspace_id: int, updates: Sequence[ContactUpdate]) -> None:
    added = [(u.contact_id, f.id) for u in updates for f in u.flags_added]
    if added:
        await tx.execute(
            statements.INSERT_ADDED_FLAGS,
            workspace_id,
            [c for c, _ in added],
            [f for _, f in added],
        )
    removed = [(u.contact_id, f.id) for u in updates for f in u.flags_removed]
    if removed:
        await tx.execute(
            statements.DELETE_REMOVED_FLAGS,
            [c for c, _ in removed],
            [f for _, f in removed],
        )


async def update_contacts(
    tx: Sql, ctx: CommitContext, span: RowSpan, flags: dict[str, FlagRef]
) -> UpdateOutcome:
    """`flags`: every flag the chunk names, by lowercase name."""
    staged = await tx.fetch(statements.STAGED_UPDATES, *span.args)
    if not staged:
        return UpdateOutcome([], 0)
    ids = [r["contact_id"] for r in staged]
    current = {
        r["id"]: r for r in await tx.fetch(statements.CURRENT_CONTACTS, ids, ctx.workspace_id)
    }
    differ = Differ(field_uuids=ctx.field_uuids, flags=flags, import_flags=ctx.flags)
    updates = [differ.diff(_before(current[r["contact_id"]]), _values(r)) for r in staged]
    changed = [u for u in updates if u.events]
    if changed:
        await _write_contacts(tx, changed)
        inactive = [u.contact_id for u in changed if u.status != ContactStatus.ACTIVE.value]
        await leave_all_groups(tx, workspace_id=ctx.workspace_id, contact_ids=inactive)
        await _write_urns(tx, ctx.workspace_id, changed)
        await _write_flags(tx, ctx.workspace_id, changed)
        await write_events(
            tx,
            workspace_id=ctx.workspace_id,
            actor=ctx.actor,
            events=[e for u in changed for e in u.events],
        )
    return UpdateOutcome([u.contact_id for u in changed], len(updates) - len(changed))
