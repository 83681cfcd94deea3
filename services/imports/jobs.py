"""Entry point for the worker: run an import's validation or commit job by the job's id."""

from __future__ import annotations

from models.enums import JobKind, JobStatus
from services.imports import store
from services.imports.commit import DEFAULT_LANES, run_commit
from services.imports.records import ImportStatus
from services.imports.settle import settle_with_job
from services.imports.validation import run_validation
from services.jobs import state as job_state

IMPORT_JOB_KINDS = frozenset({JobKind.VALIDATE_IMPORT, JobKind.COMMIT_IMPORT})
UNFINISHED = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.COMMITTING)


async def fail_import_job(job_id: int, message: str) -> None:
    """Ends the job failed with `message`, and its import with it, for that reason."""
    await job_state.finish(job_id, JobStatus.FAILED, message=message)
    import_id = await store.import_id_for_job(job_id)
    if import_id is not None:
        await settle_with_job(await store.get_import_by_id(import_id))


async def run_import_job(
    job_id: int, kind: JobKind, *, chunk_size: int, lanes: int = DEFAULT_LANES
) -> JobStatus:
    """Runs (or resumes) the job; the job row must already be claimed as running. `lanes`:
    chunks a commit applies side by side."""
    import_id = await store.import_id_for_job(job_id)
    if import_id is None:
        await job_state.finish(job_id, JobStatus.FAILED, message="The import is gone.")
        return JobStatus.FAILED
    try:
        if kind is JobKind.VALIDATE_IMPORT:
            return await run_validation(job_id, import_id, chunk_size=chunk_size)
        member_id = await job_state.creator_of(job_id)
        return await run_commit(
            job_id, import_id, member_id=member_id, chunk_size=chunk_size, lanes=lanes
        )
    except Exception:
        await store.set_status(
            import_id,
            ImportStatus.FAILED,
            only_from=UNFINISHED,
            failure="The import stopped on an unexpected error; rows imported before it stay.",
        )
        raise
