"""An import whose job ended outside the import's own flow (cancelled with `cancelJob`
before it ran, or failed) ends the same way, instead of waiting forever."""

from __future__ import annotations

from core.sql import transaction
from models.enums import JobStatus
from services.imports import store
from services.imports.records import ImportRecord, ImportStatus
from services.imports.staging import clear_rows
from services.imports.usage import remove_import_usages
from services.jobs import state as job_state

WAITING_ON_VALIDATION = (ImportStatus.UPLOADED, ImportStatus.VALIDATING)
REASONS = {
    JobStatus.CANCELLED: (ImportStatus.CANCELLED, "Its job was cancelled."),
    JobStatus.FAILED: (ImportStatus.FAILED, "Its job failed."),
}


async def settle_with_job(record: ImportRecord) -> ImportRecord:
    if record.status in WAITING_ON_VALIDATION:
        job_id = record.validate_job_id
    elif record.status is ImportStatus.COMMITTING:
        job_id = record.commit_job_id
    else:
        return record
    status = await job_state.status_of(job_id)
    if status is None or status not in REASONS:
        return record
    import_status, reason = REASONS[status]
    if status is JobStatus.FAILED:
        reason = await job_state.last_error(job_id) or reason
    async with transaction() as tx:
        moved = await store.set_status(
            record.id, import_status, only_from=[record.status], failure=reason, tx=tx
        )
        if moved:
            if record.status is not ImportStatus.COMMITTING:
                await clear_rows(tx, record.id)
            await remove_import_usages(tx, record)
    return await store.get_import_by_id(record.id)
