"""Field figures for many fields at once, one statement, in the fields' order."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import sql
from services.fields import statements


async def holder_counts(workspace_id: int, field_ids: Sequence[int]) -> list[int]:
    """Contacts holding a value that reads as each field's type (what `fields.key != ""`
    matches), from contact_search; a field whose readings are being redone reads its values."""
    rows = await sql().fetch(statements.HOLDER_COUNTS, workspace_id, list(field_ids))
    counts = {r["id"]: r["n"] for r in rows}
    return [counts.get(i, 0) for i in field_ids]
