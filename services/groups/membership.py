"""Group membership upkeep shared by every path that changes a contact's status."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import Sql


async def leave_all_groups(tx: Sql, *, workspace_id: int, contact_ids: Sequence[int]) -> None:
    """Remove contacts from every group, keeping the maintained member counts exact."""
    if not contact_ids:
        return
    await tx.execute(
        """
        WITH removed AS (
            DELETE FROM group_contact
            WHERE workspace_id = $1 AND contact_id = ANY($2::bigint[])
            RETURNING group_id
        ), per_group AS (
            SELECT group_id, count(*) AS n FROM removed GROUP BY group_id
        )
        UPDATE contact_group g SET member_count = g.member_count - p.n
        FROM per_group p WHERE g.id = p.group_id
        """,
        workspace_id,
        list(contact_ids),
    )


async def join_manual_group(
    tx: Sql, *, workspace_id: int, group_id: int, contact_ids: Sequence[int]
) -> int:
    """Add the active ones of these contacts to a manual group; returns how many joined."""
    joined: int = await tx.fetchval(
        """
        WITH added AS (
            INSERT INTO group_contact (workspace_id, group_id, contact_id)
            SELECT $1, g.id, c.id FROM contact c
            JOIN contact_group g ON g.id = $2 AND g.workspace_id = $1 AND g.kind = 'manual'
            WHERE c.workspace_id = $1 AND c.id = ANY($3::bigint[]) AND c.status = 'active'
            ON CONFLICT DO NOTHING RETURNING 1
        ), counted AS (
            UPDATE contact_group SET member_count = member_count + (SELECT count(*) FROM added)
            WHERE id = $2
        )
        SELECT count(*) FROM added
        """,
        workspace_id,
        group_id,
        list(contact_ids),
    )
    return joined


async def leave_group(
    tx: Sql, *, workspace_id: int, group_id: int, contact_ids: Sequence[int]
) -> int:
    """Remove these contacts from one group; returns how many left."""
    left: int = await tx.fetchval(
        """
        WITH removed AS (
            DELETE FROM group_contact
            WHERE workspace_id = $1 AND group_id = $2 AND contact_id = ANY($3::bigint[])
            RETURNING 1
        ), counted AS (
            UPDATE contact_group SET member_count = member_count - (SELECT count(*) FROM removed)
            WHERE id = $2
        )
        SELECT count(*) FROM removed
        """,
        workspace_id,
        group_id,
        list(contact_ids),
    )
    return left
