"""Members for many ids at once, one statement, in the ids' order."""

from __future__ import annotations

from collections.abc import Sequence

from models import Member


async def members_by_id(workspace_id: int, ids: Sequence[int]) -> list[Member | None]:
    """None for an id the workspace has no member for."""
    members = {m.id: m for m in await Member.filter(workspace_id=workspace_id, id__in=list(ids))}
    return [members.get(i) for i in ids]
