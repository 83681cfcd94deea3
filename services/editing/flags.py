from __future__ import annotations

from collections.abc import Sequence

from core.sql import Sql
from services.flags.definitions import ensure_flags


async def current_flag_names(tx: Sql, *, contact_id: int) -> list[str]:
    rows = await tx.fetch(
        """
        SELECT f.name FROM contact_flag cf JOIN flag f ON f.id = cf.flag_id
        WHERE cf.contact_id = $1 ORDER BY lower(f.name)
        """,
        contact_id,
    )
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
            """
            INSERT INTO contact_flag (workspace_id, flag_id, contact_id)
            SELECT $1, f, $2 FROM unnest($3::bigint[]) AS f
            ON CONFLICT DO NOTHING RETURNING flag_id
            """,
            workspace_id,
            contact_id,
            [f.id for f in flags],
        )
        new_ids = {r["flag_id"] for r in rows}
        added = [f.name for f in flags if f.id in new_ids]
    if remove:
        rows = await tx.fetch(
            """
            DELETE FROM contact_flag cf USING flag f
            WHERE cf.contact_id = $1 AND f.id = cf.flag_id AND f.workspace_id = $2
              AND lower(f.name) = ANY($3::text[])
            RETURNING f.name
            """,
            contact_id,
            workspace_id,
            [" ".join(n.split()).lower() for n in remove],
        )
        removed = sorted(r["name"] for r in rows)
    return added, removed
