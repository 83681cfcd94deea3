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
from services.imports.commit_context import CommitContext, RowSpan
from services.imports.update_diff import (
    ATTRIBUTES,
    ContactBefore,
    ContactUpdate,
    Differ,
    FlagRef,
    RowValues,
)

_STAGED = """
SELECT r.contact_id, r.name, r.language, r.status, r.company, r.job_title, r.country, r.state,
    r.notes, r.cleared, r.urns, r.fields::text AS fields, r.cleared_fields, r.flags
FROM import_row r
WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3 AND r.action = 'update'
"""

# The contacts were locked at the start of the chunk (see commit_chunk.py).
_CURRENT = """
SELECT c.id, c.uuid, c.name, c.language, c.status, c.company, c.job_title, c.country, c.state,
    c.notes, c.fields::text AS fields,
    ARRAY(SELECT u.scheme || ':' || u.path FROM contact_urn u WHERE u.contact_id = c.id
          ORDER BY u.priority DESC, u.id) AS urns,
    ARRAY(SELECT f.id FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
          WHERE cf.contact_id = c.id ORDER BY lower(f.name)) AS flag_ids,
    ARRAY(SELECT f.name FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
          WHERE cf.contact_id = c.id ORDER BY lower(f.name)) AS flag_names
FROM contact c WHERE c.id = ANY($1::bigint[]) AND c.workspace_id = $2
"""


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
    await tx.execute(
        """
        UPDATE contact c SET name = u.name, language = u.language, status = u.status,
            company = u.company, job_title = u.job_title, country = u.country, state = u.state,
            notes = u.notes, fields = u.fields, modified_on = now()
        FROM jsonb_to_recordset($1::jsonb) AS u(id bigint, name text, language text,
            status text, company text, job_title text, country text, state text, notes text,
            fields jsonb)
        WHERE c.id = u.id
        """,
        json.dumps(records),
    )


async def _write_urns(tx: Sql, workspace_id: int, updates: Sequence[ContactUpdate]) -> None:
    removed = [(u.contact_id, urn) for u in updates for urn in u.urns_removed]
    if removed:
        await tx.execute(
            """
            DELETE FROM contact_urn WHERE workspace_id = $1
              AND (contact_id, scheme || ':' || path) IN
                  (SELECT * FROM unnest($2::bigint[], $3::text[]))
            """,
            workspace_id,
            [c for c, _ in removed],
            [urn for _, urn in removed],
        )
    added = [(u.contact_id, urn) for u in updates for urn in u.urns_added]
    if added:
        # Added addresses rank after the contact's own, in file order (ties go by id).
        await tx.execute(
            """
            INSERT INTO contact_urn (workspace_id, contact_id, scheme, path, priority)
            SELECT $1, a.contact_id, split_part(a.urn, ':', 1),
                substr(a.urn, strpos(a.urn, ':') + 1), 0
            FROM unnest($2::bigint[], $3::text[]) AS a(contact_id, urn)
            """,
            workspace_id,
            [c for c, _ in added],
            [urn for _, urn in added],
        )


async def _write_flags(tx: Sql, workspace_id: int, updates: Sequence[ContactUpdate]) -> None:
    added = [(u.contact_id, f.id) for u in updates for f in u.flags_added]
    if added:
        await tx.execute(
            """
            INSERT INTO contact_flag (workspace_id, contact_id, flag_id)
            SELECT $1, a.contact_id, a.flag_id FROM unnest($2::bigint[], $3::bigint[])
                AS a(contact_id, flag_id)
            ON CONFLICT DO NOTHING
            """,
            workspace_id,
            [c for c, _ in added],
            [f for _, f in added],
        )
    removed = [(u.contact_id, f.id) for u in updates for f in u.flags_removed]
    if removed:
        await tx.execute(
            """
            DELETE FROM contact_flag
            WHERE (contact_id, flag_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))
            """,
            [c for c, _ in removed],
            [f for _, f in removed],
        )


async def update_contacts(
    tx: Sql, ctx: CommitContext, span: RowSpan, flags: dict[str, FlagRef]
) -> UpdateOutcome:
    """`flags`: every flag the chunk names, by lowercase name."""
    staged = await tx.fetch(_STAGED, *span.args)
    if not staged:
        return UpdateOutcome([], 0)
    ids = [r["contact_id"] for r in staged]
    current = {r["id"]: r for r in await tx.fetch(_CURRENT, ids, ctx.workspace_id)}
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
