"""The export job: write the selected contacts to a file, batch by batch, with progress.

The file is written under a temporary name and renamed when complete, so a download never
sees half a file; a job run again writes it again from the start.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from pathlib import Path
from typing import Any

from core.sql import sql
from models import Workspace
from models.enums import JobStatus
from query.errors import QueryError
from services.exports import statements
from services.exports.columns import ExportColumns
from services.exports.reading import ContactReader
from services.exports.records import ExportRecord
from services.exports.writers import ExportFile, open_export_file
from services.fields.definitions import list_fields
from services.imports.storage import absolute_path
from services.imports.timing import timed
from services.jobs import state as job_state

RENDERED_AHEAD = 2


async def _export_for_job(job_id: int) -> ExportRecord | None:
    row = await sql().fetchrow(statements.EXPORT_FOR_JOB, job_id)
    return ExportRecord.from_row(row) if row else None


async def run_export_job(job_id: int, *, chunk_size: int) -> JobStatus:
    """Runs the job; the job row must already be claimed as running."""
    record = await _export_for_job(job_id)
    if record is None:
        await job_state.finish(job_id, JobStatus.FAILED, message="The export is gone.")
        return JobStatus.FAILED
    workspace = await Workspace.get(id=record.workspace_id)
    reader = ContactReader(workspace, record.params)
    try:
        await reader.prepare()
    except QueryError as exc:
        await job_state.finish(job_id, JobStatus.FAILED, message=exc.message)
        return JobStatus.FAILED
    fields = await list_fields(workspace.id)
    final = absolute_path(record.file_path)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + ".part")
    async with reader.pinned():
        with timed("ranges and address slots"):
            ranges = await reader.ranges(chunk_size)
            slots = [] if workspace.anonymous else await reader.urn_slots()
        columns = ExportColumns(slots, fields, record.params.group_columns)
        expected = sum(count for _, _, count in ranges)
        out = open_export_file(record.file_format, partial, columns, expected_rows=expected)
        try:
            written = await _write_all(job_id, reader, out, ranges, expected=expected)
            await asyncio.to_thread(out.close)
        except BaseException:
            await asyncio.to_thread(_discard, out, partial)
            raise
    if written is None:
        await asyncio.to_thread(partial.unlink, missing_ok=True)
        await job_state.finish(job_id, JobStatus.CANCELLED)
        return JobStatus.CANCELLED
    os.replace(partial, final)
    await sql().execute(statements.FINISH_EXPORT, record.id, written)
    await job_state.finish(job_id, JobStatus.SUCCEEDED, changed=written)
    return JobStatus.SUCCEEDED


async def _write_all(
    job_id: int,
    reader: ContactReader,
    out: ExportFile,
    ranges: list[tuple[int, int, int]],
    *,
    expected: int,
) -> int | None:
    """Rows written, or None when the job was cancelled part-way. The next range is read
    while the current one is written, so the database and this process work at once."""
    written = 0
    pending: deque[asyncio.Future[Any]] = deque()
    try:
        for after, last, _ in ranges:
            pending.append(asyncio.ensure_future(out.render(reader, after, last)))
            if len(pending) < RENDERED_AHEAD:
                continue
            written += await _write_next(out, pending)
            if await job_state.report_progress(job_id, written, expected):
                return None
        while pending:
            written += await _write_next(out, pending)
        return written
    finally:
        for work in pending:
            work.cancel()


async def _write_next(out: ExportFile, pending: deque[asyncio.Future[Any]]) -> int:
    work = pending.popleft()
    with timed("render"):
        rendered = await work
    with timed("write"):
        return await out.write(rendered)


def _discard(out: ExportFile, partial: Path) -> None:
    try:
        out.close()
    finally:
        partial.unlink(missing_ok=True)
