"""Reading imports: the workspace's list, the preview, its error rows, and the template to
fill in."""

from __future__ import annotations

import csv
import io
import uuid as uuidlib
from collections.abc import Sequence

from core.sql import sql
from models.enums import Permission
from services.access.caller import Caller
from services.fields.definitions import list_fields
from services.fields.values import FieldDefinition
from services.imports import statements, store
from services.imports.columns import (
    TEMPLATE_COLUMNS,
    FieldIndex,
    Target,
    TargetKind,
    parse_target,
)
from services.imports.records import (
    ANY_ERROR,
    IMPORT_COLUMNS,
    ErrorFilter,
    ImportRecord,
    ImportStatus,
    RowErrors,
)
from services.imports.settle import REASONS, WAITING_ON_VALIDATION, settle_with_job
from services.imports.staging import count_error_rows, list_error_rows
from services.keyset import Page, newest_first

MAX_ERROR_PAGE = 500


async def find_import(caller: Caller, import_uuid: uuidlib.UUID) -> ImportRecord | None:
    """None for an import of another workspace, as for one that does not exist."""
    caller.require(Permission.IMPORT)
    record = await store.get_import(caller.workspace_id, import_uuid)
    return await settle_with_job(record) if record else None


async def error_rows(
    record: ImportRecord, *, after_row: int, first: int, only: ErrorFilter = ANY_ERROR
) -> list[RowErrors]:
    """Up to `first` error rows (at most MAX_ERROR_PAGE) and one more, to tell whether a next
    page exists."""
    first = max(0, min(first, MAX_ERROR_PAGE))
    return await list_error_rows(record.id, after_row=after_row, limit=first + 1, only=only)


async def error_row_count(record: ImportRecord, only: ErrorFilter = ANY_ERROR) -> int:
    """Every error row is counted in the import's counts; a filtered count reads the rows (none
    once they expired)."""
    if only.is_empty:
        return record.counts.error_rows + record.counts.late_errors
    return await count_error_rows(record.id, only)


async def list_imports(
    caller: Caller, *, statuses: Sequence[ImportStatus] = (), first: int, after: str | None
) -> Page[ImportRecord]:
    """The workspace's imports, newest first, keyset-paginated on (created_on, id); each in
    the state `find_import` shows, so the status filter agrees with it."""
    caller.require(Permission.IMPORT)
    await _settle_ended_jobs(caller.workspace_id)
    wanted = [s.value for s in statuses]
    return await newest_first(
        "contact_import",
        IMPORT_COLUMNS,
        ImportRecord.from_row,
        workspace_id=caller.workspace_id,
        first=first,
        after=after,
        filters=[(statements.STATUS_AMONG, wanted)] if wanted else [],
    )


async def _settle_ended_jobs(workspace_id: int) -> None:
    """One query finds the rare imports still waiting on a job that has ended."""
    rows = await sql().fetch(
        statements.IMPORTS_WAITING_ON_ENDED_JOBS,
        workspace_id,
        [s.value for s in (*WAITING_ON_VALIDATION, ImportStatus.COMMITTING)],
        ImportStatus.COMMITTING.value,
        [s.value for s in REASONS],
    )
    for row in rows:
        await settle_with_job(ImportRecord.from_row(row))


async def template_columns(workspace_id: int | None) -> list[str]:
    """The template's header: our columns, then one per custom field (display order), named
    by its key, or `Field:<key>` where the bare key means something else (`email`,
    `twitter`, ...), so every column imports back into its own field."""
    fields = await list_fields(workspace_id) if workspace_id is not None else []
    index = FieldIndex(fields)
    return [*TEMPLATE_COLUMNS, *(_field_column(f, index) for f in fields)]


def _field_column(field: FieldDefinition, index: FieldIndex) -> str:
    target = parse_target(field.key, index, create_fields=False)
    if isinstance(target, Target) and target.kind is TargetKind.FIELD and target.key == field.key:
        return field.key
    return f"Field:{field.key}"


def template_csv(columns: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(columns)
    return out.getvalue()
