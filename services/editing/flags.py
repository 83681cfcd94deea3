from __future__ import annotations

from collections.abc import Sequence

from core.sql import Sql
from services.editing import statements
from services.flags.definitions import ensure_flags


async def current_flag_names(tx: Sql, *, contact_id: int) -> list[str]:
    rows = await tx.fetch(statements.FLAG_NAMES_OF_CONTACT, contact_id)
    return [r["name"] for r in rows]


async def change_contact_flags(
    tx: Sql,
    *,
    workspace_id: int,
    contact_id: int,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> tuple[list[str], list[str]]:
    """Add and remove flags by name; returns the names actually added and removed."""
    added: list[str] = []
    removed: list[str] = []
    if add:
        flags = await ensure_flags(tx, workspace_id=workspace_id, names=add)
        rows = await tx.fetch(
            statements.ADD_CONTACT_FLAGS,
            workspace_id,
            contact_id,
            [f.id for f in flags],
        )
        new_ids = {r["flag_id"] for r in rows}
        added = [f.name for f in flags if f.id in new_ids]
    if remove:
        rows = await tx.fetch(
            statements.REMOVE_CONTACT_FLAGS,
            contact_id,
            workspace_id,
            [" ".join(n.split()).lower() for n in remove],
        )
        removed = sorted(r["name"] for r in rows)
    return added, removed
