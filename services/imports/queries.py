"""Reading imports: the preview, its error rows, and the template to fill in."""

from __future__ import annotations

import csv
import io
import uuid as uuidlib

from models import Job
from models.enums import Permission
from services.caller import Caller
from services.field_values import FieldDefinition
from services.fields import list_fields
from services.imports import store
from services.imports.columns import (
    TEMPLATE_COLUMNS,
    FieldIndex,
    Target,
    TargetKind,
    parse_target,
)
from services.imports.records import ImportRecord, RowErrors
from services.imports.settle import settle_with_job
from services.imports.staging import list_error_rows

MAX_ERROR_PAGE = 500


async def find_import(caller: Caller, import_uuid: uuidlib.UUID) -> ImportRecord | None:
    """None for an import of another workspace, as for one that does not exist."""
    caller.require(Permission.IMPORT)
    record = await store.get_import(caller.workspace_id, import_uuid)
    return await settle_with_job(record) if record else None


async def error_rows(record: ImportRecord, *, after_row: int, first: int) -> list[RowErrors]:
    """Up to `first` error rows (at most MAX_ERROR_PAGE) and one more, to tell whether a next
    page exists."""
    first = max(0, min(first, MAX_ERROR_PAGE))
    return await list_error_rows(record.id, after_row=after_row, limit=first + 1)


async def import_job(record: ImportRecord, job_id: int | None) -> Job | None:
    if job_id is None:
        return None
    return await Job.get_or_none(id=job_id, workspace_id=record.workspace_id)


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
