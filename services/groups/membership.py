"""Group membership upkeep shared by every path that changes a contact's status."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import Sql
from services.groups import statements


async def leave_all_groups(tx: Sql, *, workspace_id: int, contact_ids: Sequence[int]) -> None:
    """Remove contacts from every group, keeping the maintained member counts exact."""
    if not contact_ids:
        return
    await tx.execute(statements.LEAVE_ALL_GROUPS, workspace_id, list(contact_ids))


async def join_manual_group(
    tx: Sql, *, workspace_id: int, group_id: int, contact_ids: Sequence[int]
) -> int:
    """Add the active ones of these contacts to a manual group; returns how many joined."""
    joined: int = await tx.fetchval(
        statements.JOIN_MANUAL_GROUP, workspace_id, group_id, list(contact_ids)
    )
    return joined


async def leave_group(
    tx: Sql, *, workspace_id: int, group_id: int, contact_ids: Sequence[int]
) -> int:
    """Remove these contacts from one group; returns how many left."""
    left: int = await tx.fetchval(statements.LEAVE_GROUP, workspace_id, group_id, list(contact_ids))
    return left
