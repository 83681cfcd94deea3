"""Confirming an import (once) and dropping it."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass

from core.queue import enqueue_job
from core.sql import Sql, transaction
from models import Job
from models.enums import JobKind, Permission
from services.access.caller import Caller
from services.errors import InvalidState, NotFound
from services.imports import statements, store
from services.imports.errors import ImportHasErrors
from services.imports.records import ImportMode, ImportRecord, ImportStatus
from services.imports.staging import clear_rows
from services.imports.storage import delete_file
from services.imports.usage import remove_import_usages
from services.jobs import state as job_state
from services.jobs.control import insert_job

_NOT_CONFIRMABLE = {
    ImportStatus.UPLOADED: "The file is still waiting to be checked; confirm it once the preview "
    "is ready.",
    ImportStatus.VALIDATING: "The file is still being checked; confirm it once the preview is "
    "ready.",
    ImportStatus.COMMITTING: "This import was already confirmed and is being imported.",
    ImportStatus.COMMITTED: "This import was already confirmed and imported.",
    ImportStatus.CANCELLED: "This import was cancelled.",
    ImportStatus.FAILED: "This import failed; upload the file again.",
}


@dataclass(frozen=True, slots=True)
class ConfirmedImport:
    record: ImportRecord
    job: Job


async def confirm_import(
    caller: Caller, import_uuid: uuidlib.UUID, *, enqueue: bool = True
) -> ConfirmedImport:
    caller.require(Permission.IMPORT)
    async with transaction() as tx:
        record = await store.lock_import(tx, caller.workspace_id, import_uuid)
        if record is None:
            raise NotFound("No such import.", field="id")
        if record.status is not ImportStatus.PREVIEWED:
            raise InvalidState(_NOT_CONFIRMABLE[record.status], field="id")
        errors = record.counts.error_rows
        if record.options.mode is ImportMode.ALL_OR_NOTHING and errors:
            raise ImportHasErrors(errors)
        if record.counts.valid_rows == 0:
            raise InvalidState("No row of this file can be imported.", field="id")
        job_id, job_uuid = await insert_job(
            tx, caller=caller, kind=JobKind.COMMIT_IMPORT, params={"import": str(import_uuid)}
        )
        await job_state.set_total(tx, job_id, record.counts.valid_rows)
        await tx.execute(statements.MARK_COMMITTING, record.id, job_id)
    if enqueue:
        await enqueue_job(str(job_uuid))
    return ConfirmedImport(await store.get_import_by_id(record.id), await Job.get(id=job_id))


async def cancel_import(caller: Caller, import_uuid: uuidlib.UUID) -> ImportRecord:
    """Drops an import that has not been confirmed: its staging rows and its file go."""
    caller.require(Permission.IMPORT)
    async with transaction() as tx:
        record = await store.lock_import(tx, caller.workspace_id, import_uuid)
        if record is None:
            raise NotFound("No such import.", field="id")
        if record.status in (ImportStatus.COMMITTING, ImportStatus.COMMITTED):
            raise InvalidState(
                "This import was already confirmed; it can no longer be cancelled.", field="id"
            )
        if record.status in (ImportStatus.CANCELLED, ImportStatus.FAILED):
            raise InvalidState(f"This import has already {record.status.value}.", field="id")
        await drop_unconfirmed(tx, record)
    delete_file(record.file_path)
    return await store.get_import_by_id(record.id)


async def drop_unconfirmed(tx: Sql, record: ImportRecord, *, reason: str | None = None) -> None:
    """Cancels an unconfirmed import locked in `tx`: its validation job is asked to stop, its
    staged rows and usages go. The caller deletes the file."""
    await store.set_status(
        record.id, ImportStatus.CANCELLED, only_from=[record.status], failure=reason, tx=tx
    )
    if record.validate_job_id is not None:
        await job_state.cancel_unfinished(tx, record.validate_job_id)
    await clear_rows(tx, record.id)
    await remove_import_usages(tx, record)
