"""One chunk of a commit, all inside the caller's transaction: re-check the rows against what
changed since the preview, create, update, fill the group, drop the chunk's staging rows."""

from __future__ import annotations

from dataclasses import dataclass

from core.sql import Sql, affected, cached_plans
from services.flags.definitions import ensure_flags
from services.groups.smart import refresh_memberships
from services.imports import statements
from services.imports.bulk_writes import batched_search_entries
from services.imports.commit_context import CommitContext, RowSpan
from services.imports.commit_creates import create_contacts, readings_hold
from services.imports.commit_updates import update_contacts
from services.imports.timing import timed
from services.imports.update_diff import FlagRef


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    late_errors: int


async def claim_chunk(
    tx: Sql, import_id: int, after: int, limit: int
) -> tuple[RowSpan, int] | None:
    """Locks the next rows to commit after row `after` (rows another transaction holds are
    skipped, so two lanes take turns); None when no row is left to claim."""
    rows = await tx.fetch(statements.CLAIM_CHUNK, import_id, after, limit)
    if not rows:
        return None
    return RowSpan(import_id, rows[0]["row_number"] - 1, rows[-1]["row_number"]), len(rows)


async def rows_left(db: Sql, import_id: int) -> bool:
    found = await db.fetchval(statements.ANY_ROW_LEFT, import_id)
    return found is not None


async def _chunk_flags(tx: Sql, ctx: CommitContext, span: RowSpan) -> dict[str, FlagRef]:
    rows = await tx.fetch(statements.FLAG_NAMES_OF_CHUNK, *span.args)
    # Sorted: two lanes creating the same new flags lock them in the same order.
    names = sorted({*ctx.flags, *(r["n"] for r in rows)}, key=str.lower)
    flags = await ensure_flags(tx, workspace_id=ctx.workspace_id, names=names)
    return {f.name.lower(): FlagRef(f.id, f.name) for f in flags}


async def _join_group(tx: Sql, ctx: CommitContext, span: RowSpan) -> int:
    """Active contacts of the chunk join the group; returns how many joined. New contacts
    cannot be members yet, and their status is the row's."""
    created = await tx.execute(
        statements.JOIN_GROUP_CREATED, *span.args, ctx.workspace_id, ctx.group_id
    )
    matched = await tx.fetchval(
        statements.JOIN_GROUP_MATCHED, *span.args, ctx.workspace_id, ctx.group_id
    )
    return affected(created) + int(matched)


async def _count_members(tx: Sql, group_id: int, joined: int) -> None:
    """Last in the chunk: the group row stays locked until commit, so lanes wait briefly."""
    if joined:
        await tx.execute(statements.ADD_GROUP_MEMBERS, group_id, joined)


async def mark_late_errors(db: Sql, span: RowSpan, workspace_id: int, *, addresses: bool) -> int:
    """Rows whose matched contact was deleted since the preview, and (with `addresses`) rows
    with an address another contact took since then, become errors; returns how many.

    Without `addresses` a taken address surfaces as a unique violation when the chunk writes
    it, and the chunk is tried again with them: probing every address of every row costs
    more than the rare retry."""
    late = len(await db.fetch(statements.MARK_VANISHED, *span.args, workspace_id))
    if addresses:
        late += len(await db.fetch(statements.MARK_TAKEN, *span.args, workspace_id))
    return late


async def _lock_matched(tx: Sql, span: RowSpan) -> None:
    """Locks the contacts the chunk updates (in id order), so none changes or goes away
    between the re-check and the update."""
    await tx.execute(statements.LOCK_MATCHED_CONTACTS, *span.args)


async def commit_chunk(
    tx: Sql, ctx: CommitContext, span: RowSpan, rows: int, *, check_addresses: bool
) -> ChunkOutcome:
    with timed("re-check rows"):
        # Fields before contacts: the order a field's re-read takes its locks in.
        hold = await readings_hold(tx, ctx)
        await _lock_matched(tx, span)
        late = await mark_late_errors(tx, span, ctx.workspace_id, addresses=check_addresses)
        flags = await _chunk_flags(tx, ctx, span)
    async with cached_plans(tx), batched_search_entries(tx):
        created = await create_contacts(tx, ctx, span, readings_hold=hold)
        with timed("update contacts"):
            updated = await update_contacts(tx, ctx, span, flags)
            skipped: int = await tx.fetchval(statements.COUNT_SKIPPED_ROWS, *span.args)
        joined = 0
        if ctx.group_id is not None:
            with timed("group membership"):
                joined = await _join_group(tx, ctx, span)
    with timed("smart groups"):
        await refresh_memberships(
            tx, workspace=ctx.workspace, contact_ids=[*created, *updated.changed_ids]
        )
    with timed("clear staging"):
        await tx.execute(statements.CLEAR_COMMITTED_ROWS, *span.args)
    if ctx.group_id is not None:
        with timed("group membership"):
            await _count_members(tx, ctx.group_id, joined)
    return ChunkOutcome(
        rows=rows,
        created=len(created),
        updated=len(updated.changed_ids),
        unchanged=updated.unchanged,
        skipped=skipped,
        late_errors=late,
    )
