"""One chunk of a commit, all inside the caller's transaction: re-check the rows against what
changed since the preview, create, update, fill the group, drop the chunk's staging rows."""

from __future__ import annotations

from dataclasses import dataclass

from core.sql import Sql, affected, cached_plans
from services.flags.definitions import ensure_flags
from services.groups.smart import refresh_memberships
from services.imports.bulk_writes import batched_search_entries
from services.imports.commit_context import CommitContext, RowSpan
from services.imports.commit_creates import create_contacts, readings_hold
from services.imports.commit_updates import update_contacts
from services.imports.timing import timed
from services.imports.update_diff import FlagRef

# $1 import id, $2 and $3 the chunk's bounds, $4 the workspace.
_VANISHED = """
UPDATE import_row r SET action = 'error', errors = jsonb_build_array(jsonb_build_object(
    'code', 'contact_deleted', 'column', NULL, 'value', NULL,
    'message', 'the contact this row matched was deleted after the preview'))
WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
  AND r.action IN ('update', 'skip')
  AND (SELECT c.workspace_id FROM contact c WHERE c.id = r.contact_id) IS DISTINCT FROM $4
RETURNING r.row_number
"""

# Owners are looked up one address at a time (a unique-index probe each): a join would let
# the planner, misled by a young staging table's statistics, scan a workspace's addresses
# once per row.
_TAKEN = """
WITH owned AS (
    SELECT r.row_number, r.contact_id, u.urn, u.position,
        (SELECT cu.contact_id FROM contact_urn cu
         WHERE cu.workspace_id = $4 AND cu.scheme = split_part(u.urn, ':', 1)
           AND cu.path = substr(u.urn, strpos(u.urn, ':') + 1)) AS owner
    FROM import_row r CROSS JOIN LATERAL unnest(r.urns) WITH ORDINALITY AS u(urn, position)
    WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
      AND r.action IN ('create', 'update')
), taken AS (
    SELECT DISTINCT ON (row_number) row_number, urn
    FROM owned WHERE owner <> contact_id
    ORDER BY row_number, position
)
UPDATE import_row r SET action = 'error', errors = jsonb_build_array(jsonb_build_object(
    'code', 'address_taken', 'column', NULL, 'value', t.urn,
    'message', format('%s was given to another contact after the preview', t.urn)))
FROM taken t WHERE r.import_id = $1 AND r.row_number = t.row_number
RETURNING r.row_number
"""


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
    rows = await tx.fetch(
        """
        SELECT row_number FROM import_row
        WHERE import_id = $1 AND row_number > $2 AND action <> 'error'
        ORDER BY row_number LIMIT $3
        FOR UPDATE SKIP LOCKED
        """,
        import_id,
        after,
        limit,
    )
    if not rows:
        return None
    return RowSpan(import_id, rows[0]["row_number"] - 1, rows[-1]["row_number"]), len(rows)


async def rows_left(db: Sql, import_id: int) -> bool:
    found = await db.fetchval(
        "SELECT 1 FROM import_row WHERE import_id = $1 AND action <> 'error' LIMIT 1", import_id
    )
    return found is not None


async def _chunk_flags(tx: Sql, ctx: CommitContext, span: RowSpan) -> dict[str, FlagRef]:
    rows = await tx.fetch(
        """
        SELECT DISTINCT n FROM import_row r CROSS JOIN LATERAL unnest(r.flags) AS n
        WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
          AND r.action IN ('create', 'update')
        """,
        *span.args,
    )
    # Sorted: two lanes creating the same new flags lock them in the same order.
    names = sorted({*ctx.flags, *(r["n"] for r in rows)}, key=str.lower)
    flags = await ensure_flags(tx, workspace_id=ctx.workspace_id, names=names)
    return {f.name.lower(): FlagRef(f.id, f.name) for f in flags}


async def _join_group(tx: Sql, ctx: CommitContext, span: RowSpan) -> int:
    """Active contacts of the chunk join the group; returns how many joined. New contacts
    cannot be members yet, and their status is the row's."""
    created = await tx.execute(
        """
        INSERT INTO group_contact (workspace_id, group_id, contact_id)
        SELECT $4, $5, r.contact_id FROM import_row r
        WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
          AND r.action = 'create' AND coalesce(r.status, 'active') = 'active'
        """,
        *span.args,
        ctx.workspace_id,
        ctx.group_id,
    )
    matched = await tx.fetchval(
        """
        WITH joined AS (
            INSERT INTO group_contact (workspace_id, group_id, contact_id)
            SELECT $4, $5, r.contact_id FROM import_row r
            WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
              AND r.action IN ('update', 'skip')
              AND (SELECT c.status FROM contact c WHERE c.id = r.contact_id) = 'active'
            ON CONFLICT DO NOTHING
            RETURNING 1
        )
        SELECT count(*) FROM joined
        """,
        *span.args,
        ctx.workspace_id,
        ctx.group_id,
    )
    return affected(created) + int(matched)


async def _count_members(tx: Sql, group_id: int, joined: int) -> None:
    """Last in the chunk: the group row stays locked until commit, so lanes wait briefly."""
    if joined:
        await tx.execute(
            "UPDATE contact_group SET member_count = member_count + $2 WHERE id = $1",
            group_id,
            joined,
        )


async def mark_late_errors(db: Sql, span: RowSpan, workspace_id: int, *, addresses: bool) -> int:
    """Rows whose matched contact was deleted since the preview, and (with `addresses`) rows
    with an address another contact took since then, become errors; returns how many.

    Without `addresses` a taken address surfaces as a unique violation when the chunk writes
    it, and the chunk is tried again with them: probing every address of every row costs
    more than the rare retry."""
    late = len(await db.fetch(_VANISHED, *span.args, workspace_id))
    if addresses:
        late += len(await db.fetch(_TAKEN, *span.args, workspace_id))
    return late


async def _lock_matched(tx: Sql, span: RowSpan) -> None:
    """Locks the contacts the chunk updates (in id order), so none changes or goes away
    between the re-check and the update."""
    await tx.execute(
        """
        SELECT c.id FROM contact c
        WHERE c.id = ANY(ARRAY(
            SELECT r.contact_id FROM import_row r
            WHERE r.import_id = $1 AND r.row_number > $2 AND r.row_number <= $3
              AND r.action IN ('update', 'skip')))
        ORDER BY c.id FOR UPDATE
        """,
        *span.args,
    )


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
            skipped: int = await tx.fetchval(
                "SELECT count(*) FROM import_row WHERE import_id = $1 AND row_number > $2 "
                "AND row_number <= $3 AND action = 'skip'",
                *span.args,
            )
        joined = 0
        if ctx.group_id is not None:
            with timed("group membership"):
                joined = await _join_group(tx, ctx, span)
    with timed("smart groups"):
        await refresh_memberships(
            tx, workspace=ctx.workspace, contact_ids=[*created, *updated.changed_ids]
        )
    with timed("clear staging"):
        await tx.execute(
            "DELETE FROM import_row WHERE import_id = $1 AND row_number > $2 "
            "AND row_number <= $3 AND action <> 'error'",
            *span.args,
        )
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
