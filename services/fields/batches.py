"""Field figures for many fields at once, one statement, in the fields' order."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import sql


async def holder_counts(workspace_id: int, field_ids: Sequence[int]) -> list[int]:
    """Contacts holding a value that reads as each field's type (what `fields.key != ""`
    matches), from contact_search; a field whose readings are being redone reads its values."""
    rows = await sql().fetch(
        """
        SELECT f.id, (
            SELECT count(*) FROM contact_search s
            WHERE s.workspace_id = $1 AND s.readings ? f.id::text
              AND CASE WHEN f.readings_stale
                       THEN field_reading((SELECT c.fields FROM contact c
                                           WHERE c.id = s.contact_id) -> f.uuid::text,
                                          f.value_type) IS NOT NULL
                       ELSE s.readings -> f.id::text <> 'null' END
        ) AS n
        FROM contact_field f
        WHERE f.workspace_id = $1 AND f.id = ANY($2::bigint[])
        """,
        workspace_id,
        list(field_ids),
    )
    counts = {r["id"]: r["n"] for r in rows}
    return [counts.get(i, 0) for i in field_ids]
