"""Creating the contacts of a chunk straight from the staging table, set-wise: contacts,
addresses, flags, then one `created` history event each (as `createContact` writes it)."""

from __future__ import annotations

from core.sql import Sql
from services.contacts.history import write_events_from
from services.imports import statements
from services.imports.commit_context import CommitContext, RowSpan
from services.imports.timing import timed


async def _insert_contacts(
    tx: Sql, ctx: CommitContext, span: RowSpan, *, readings_hold: bool
) -> list[int]:
    args = (*span.args, ctx.workspace_id, ctx.field_map, ctx.member_id)
    if not readings_hold:
        rows = await tx.fetch(statements.INSERT_CONTACTS, *args)
        return [r["id"] for r in rows]
    await tx.execute(statements.SEARCH_ROWS_SUPPLIED)
    rows = await tx.fetch(statements.INSERT_CONTACTS_AND_SEARCH_ROWS, *args)
    await tx.execute(statements.SEARCH_ROWS_BY_TRIGGER)
    return [r["contact_id"] for r in rows]


async def readings_hold(tx: Sql, ctx: CommitContext) -> bool:
    """Whether the staged readings still fit the fields' types. Locks those fields (as a
    re-read does) so no type changes until the chunk commits."""
    if ctx.reading_types is None:
        return False
    if not ctx.reading_types:
        return True
    rows = await tx.fetch(statements.LOCK_READING_FIELDS, list(ctx.reading_types))
    return {r["id"]: r["value_type"] for r in rows} == ctx.reading_types


async def _insert_urns(tx: Sql, ctx: CommitContext, span: RowSpan) -> None:
    await tx.execute(statements.INSERT_CREATED_URNS, *span.args, ctx.workspace_id)


async def _insert_flags(tx: Sql, ctx: CommitContext, span: RowSpan) -> None:
    await tx.execute(statements.INSERT_CREATED_FLAGS, *span.args, ctx.workspace_id, list(ctx.flags))


async def _write_created_events(tx: Sql, ctx: CommitContext, span: RowSpan) -> None:
    await write_events_from(
        tx,
        statements.CREATED_EVENTS,
        *span.args,
        ctx.workspace_id,
        ctx.actor.kind.value,
        ctx.member_id,
        ctx.job_id,
        list(ctx.flags),
    )


async def create_contacts(
    tx: Sql, ctx: CommitContext, span: RowSpan, *, readings_hold: bool
) -> list[int]:
    """The new contacts' ids; `readings_hold` from `readings_hold()`."""
    with timed("insert contacts"):
        created = await _insert_contacts(tx, ctx, span, readings_hold=readings_hold)
    if created:
        with timed("insert addresses"):
            await _insert_urns(tx, ctx, span)
        with timed("insert flags"):
            await _insert_flags(tx, ctx, span)
        with timed("write history"):
            await _write_created_events(tx, ctx, span)
    return created
