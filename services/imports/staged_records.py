"""Normalized rows as the records COPY writes into `import_row`; built in the worker
processes so the event loop only forwards them."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from services.imports.records import RowAction
from services.imports.row_rules import NormalizedRow, RowRules, normalize_row

STAGING_COLUMNS = (
    "import_id", "row_number", "action", "given_uuid", "name", "language", "status", "company",
    "job_title", "country", "state", "notes", "cleared", "urns", "fields", "cleared_fields",
    "flags", "errors", "readings",
)  # fmt: skip


class StagedChunk(NamedTuple):
    records: list[tuple[Any, ...]]
    blank: int


def staged_record(import_id: int, row: NormalizedRow) -> tuple[Any, ...]:
    """Every row starts as a create (or an error); matching runs later, in the database."""
    attributes = row.attributes
    errors = (
        json.dumps(
            [
                {"code": e.code.value, "column": e.column, "value": e.value, "message": e.message}
                for e in row.errors
            ]
        )
        if row.errors
        else None
    )
    return (
        import_id,
        row.row,
        (RowAction.ERROR if row.errors else RowAction.CREATE).value,
        row.uuid,
        attributes.get("name"),
        attributes.get("language"),
        attributes.get("status"),
        attributes.get("company"),
        attributes.get("job_title"),
        attributes.get("country"),
        attributes.get("state"),
        attributes.get("notes"),
        list(row.cleared) or None,
        list(row.urns) or None,
        row.fields,
        list(row.cleared_fields) or None,
        list(row.flags) or None,
        errors,
        row.readings,
    )


def stage_chunk(
    rules: RowRules, import_id: int, first_row: int, rows: list[list[str]]
) -> StagedChunk:
    records: list[tuple[Any, ...]] = []
    blank = 0
    for offset, cells in enumerate(rows):
        row = normalize_row(rules, first_row + offset, cells)
        if row is None:
            blank += 1
        else:
            records.append(staged_record(import_id, row))
    return StagedChunk(records, blank)
