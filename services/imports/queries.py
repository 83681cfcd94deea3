"""Reading imports: the preview, its error rows, and the template to fill in."""

from __future__ import annotations

import csv
import io
import uuid as uuidlib

from models import Job
from models.enums import Permission
from services.caller import Caller
from services.fields import list_fields
from services.imports import store
from services.imports.columns import TEMPLATE_COLUMNS
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
    """The template's header: our columns, then one per custom field key (display order)."""
    keys = [f.key for f in await list_fields(workspace_id)] if workspace_id is not None else []
    return [*TEMPLATE_COLUMNS, *keys]


def template_csv(columns: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(columns)
    return out.getvalue()
