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
