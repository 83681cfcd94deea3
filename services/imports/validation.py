"""The validation job: stream the file, normalize on every core, match, COPY into staging.

A re-run starts over (validation changes no contact), so it clears the staging rows first.
"""

from __future__ import annotations

import asyncio

from core.sql import sql
from models import Workspace
from models.enums import JobStatus
from services.errors import DomainError
from services.fields.definitions import list_fields
from services.imports import statements, store
from services.imports.errors import FileProblem
from services.imports.limits import file_limits
from services.imports.matching import match_rows
from services.imports.parallel import staged_chunks
from services.imports.plan import ImportPlan, plan_import
from services.imports.readers import SheetReader, open_sheet
from services.imports.records import ImportRecord, ImportStatus, RowAction
from services.imports.staging import clear_rows, copy_records, count_actions, mark_duplicates
from services.imports.storage import absolute_path
from services.imports.timing import timed
from services.imports.usage import register_import_usages
from services.jobs import state as job_state

# Below this size a file is normalized in a thread: a process pool costs more than it saves.
PARALLEL_MIN_BYTES = 512 * 1024
ACTIVE = (ImportStatus.UPLOADED, ImportStatus.VALIDATING)


async def run_validation(job_id: int, import_id: int, *, chunk_size: int) -> JobStatus:
    if not await store.set_status(import_id, ImportStatus.VALIDATING, only_from=ACTIVE):
        await job_state.finish(job_id, JobStatus.CANCELLED)
        return JobStatus.CANCELLED
    record = await store.get_import_by_id(import_id)
    await clear_rows(sql(), import_id)
    workspace = await Workspace.get(id=record.workspace_id)
    try:
        sheet = await asyncio.to_thread(
            open_sheet,
            absolute_path(record.file_path),
            record.file_format,
            has_header=record.options.has_header,
            limits=file_limits(workspace.max_import_rows),
        )
        try:
            plan = plan_import(
                sheet.labels, workspace, await list_fields(workspace.id), record.options
            )
            await store.save_plan(import_id, plan.columns, plan.reading_types)
            outcome = await _stage_rows(
                job_id,
                record,
                sheet,
                plan,
                chunk_size=chunk_size,
                parallel=record.file_size >= PARALLEL_MIN_BYTES,
            )
        finally:
            sheet.close()
    except (FileProblem, DomainError) as exc:
        return await _fail(job_id, record, exc.message)
    if outcome is None:
        await clear_rows(sql(), import_id)
        await store.set_status(
            import_id, ImportStatus.CANCELLED, only_from=ACTIVE, failure="Cancelled on request."
        )
        await job_state.finish(job_id, JobStatus.CANCELLED)
        return JobStatus.CANCELLED
    return await _finish(job_id, record, plan, blank=outcome)


async def _stage_rows(
    job_id: int,
    record: ImportRecord,
    sheet: SheetReader,
    plan: ImportPlan,
    *,
    chunk_size: int,
    parallel: bool,
) -> int | None:
    """Blank rows seen, or None when the import was cancelled part-way."""
    blank = 0
    chunks = sheet.chunks(chunk_size)
    parts = staged_chunks(plan.rules, record.id, chunks, parallel=parallel)
    async for staged in parts:
        with timed("copy to staging"):
            await copy_records(staged.records)
        blank += staged.blank
        done, total = sheet.progress()
        if await job_state.report_progress(job_id, done, total):
            return None
    return blank


async def _finish(job_id: int, record: ImportRecord, plan: ImportPlan, *, blank: int) -> JobStatus:
    with timed("match contacts"):
        await sql().execute(statements.ANALYZE_STAGING)
        await match_rows(
            record.id,
            record.workspace_id,
            update_existing=record.options.update_existing,
            uuid_label=plan.uuid_label,
        )
    with timed("find duplicates"):
        duplicates = await mark_duplicates(record.id)
        counts = await count_actions(record.id)
    moved = await sql().fetchval(
        statements.MARK_PREVIEWED,
        record.id,
        sum(counts.values()),
        blank,
        counts[RowAction.CREATE],
        counts[RowAction.UPDATE],
        counts[RowAction.SKIP],
        counts[RowAction.ERROR],
        duplicates,
    )
    if moved is None:  # cancelled while the last rows were checked
        await clear_rows(sql(), record.id)
        await job_state.finish(job_id, JobStatus.CANCELLED)
        return JobStatus.CANCELLED
    await register_import_usages(record, plan.used_fields)
    valid = sum(counts.values()) - counts[RowAction.ERROR]
    await job_state.finish(
        job_id, JobStatus.SUCCEEDED, changed=valid, skipped=counts[RowAction.ERROR]
    )
    return JobStatus.SUCCEEDED


async def _fail(job_id: int, record: ImportRecord, message: str) -> JobStatus:
    await clear_rows(sql(), record.id)
    await store.set_status(record.id, ImportStatus.FAILED, only_from=ACTIVE, failure=message)
    await job_state.finish(job_id, JobStatus.FAILED, message=message)
    return JobStatus.FAILED
