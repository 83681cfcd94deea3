"""Starting an import: store the upload, check it is a usable spreadsheet, queue validation.

Everything that can be refused is refused here, before anything is written: the file's
format, its header, the mapping, the group and the flags. A refused upload leaves no file
and no rows behind.
"""

from __future__ import annotations

import asyncio
import json
import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.queue import enqueue_job
from core.sql import transaction
from models import Job
from models.enums import JobKind, Permission
from services.access.caller import Caller
from services.fields.definitions import list_fields
from services.flags.definitions import clean_flag_name
from services.imports import statements, store
from services.imports.errors import FileProblem, NotASpreadsheet
from services.imports.formats import detect_format
from services.imports.groups import GroupRef, resolve_group
from services.imports.plan import plan_import
from services.imports.readers import open_sheet
from services.imports.records import (
    ColumnMapping,
    FileFormat,
    ImportMode,
    ImportOptions,
    ImportRecord,
)
from services.imports.storage import (
    ByteSource,
    absolute_path,
    delete_file,
    relative_path,
    save_stream,
)
from services.jobs.control import insert_job

MAX_FILE_NAME = 255


@dataclass(frozen=True, slots=True)
class ImportRequest:
    file_name: str
    source: ByteSource
    has_header: bool = True
    mode: ImportMode = ImportMode.VALID_ROWS_ONLY
    update_existing: bool = True
    group: GroupRef | None = None
    flags: Sequence[str] = ()
    mapping: Sequence[ColumnMapping] = ()
    create_unknown_fields: bool = False


@dataclass(frozen=True, slots=True)
class StartedImport:
    record: ImportRecord
    job: Job


def _clean_flags(names: Sequence[str]) -> tuple[str, ...]:
    cleaned: dict[str, str] = {}
    for name in names:
        flag = clean_flag_name(name, field="flags")
        cleaned.setdefault(flag.lower(), flag)
    return tuple(cleaned.values())


def _read_labels(path: Path, file_format: FileFormat, has_header: bool) -> list[str]:
    sheet = open_sheet(path, file_format, has_header=has_header)
    try:
        return sheet.labels
    finally:
        sheet.close()


async def _check_file(path: Path, has_header: bool) -> tuple[FileFormat, list[str]]:
    file_format = await asyncio.to_thread(detect_format, path)
    try:
        labels = await asyncio.to_thread(_read_labels, path, file_format, has_header)
    except FileProblem as exc:
        raise NotASpreadsheet(exc.message) from None
    return file_format, labels


async def start_import(
    caller: Caller, request: ImportRequest, *, enqueue: bool = True
) -> StartedImport:
    caller.require(Permission.IMPORT)
    if request.create_unknown_fields:
        caller.require(Permission.MANAGE_FIELDS)
    group_id, group_name = await resolve_group(caller, request.group)
    options = ImportOptions(
        has_header=request.has_header,
        mode=request.mode,
        update_existing=request.update_existing,
        group_id=group_id,
        group_name=group_name,
        flags=_clean_flags(request.flags),
        mapping=tuple(request.mapping),
        create_unknown_fields=request.create_unknown_fields,
    )
    import_uuid = uuidlib.uuid4()
    relative = relative_path(caller.workspace.uuid, "imports", f"{import_uuid}.upload")
    try:
        size = await save_stream(request.source, relative)
        file_format, labels = await _check_file(absolute_path(relative), request.has_header)
        fields = await list_fields(caller.workspace_id)
        plan = plan_import(labels, caller.workspace, fields, options)
        async with transaction() as tx:
            job_id, job_uuid = await insert_job(
                tx, caller=caller, kind=JobKind.VALIDATE_IMPORT, params={"import": str(import_uuid)}
            )
            import_id: int = await tx.fetchval(
                statements.INSERT_IMPORT,
                caller.workspace_id,
                import_uuid,
                (request.file_name.strip() or "pasted.csv")[:MAX_FILE_NAME],
                file_format.value,
                relative,
                size,
                options.to_json(),
                json.dumps([c.to_dict() for c in plan.columns]),
                job_id,
                caller.member.id,
            )
    except BaseException:
        delete_file(relative)
        raise
    if enqueue:
        await enqueue_job(str(job_uuid))
    return StartedImport(await store.get_import_by_id(import_id), await Job.get(id=job_id))
