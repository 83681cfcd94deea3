"""The commit job. Staging rows are committed in chunks; each chunk is applied and its rows
deleted from staging in one transaction, so the rows left in staging are the checkpoint: a
job run twice or a worker killed part-way resumes with the rows not yet committed and never
imports a row twice. The database does most of the work, so lanes (two by default, about one
per core of the database server) commit chunks side by side (each locks the rows it takes;
the others skip them).

All-or-nothing imports run every chunk in one transaction: a failure, a row that became
invalid since the preview, or a cancel leaves nothing imported. Progress then goes to the job
row from outside that transaction.
"""

from __future__ import annotations

import asyncio

import asyncpg

from core.sql import Sql, sql, transaction
from models.enums import JobStatus
from services.errors import DomainError
from services.imports import statements, store
from services.imports.commit_chunk import (
    ChunkOutcome,
    claim_chunk,
    commit_chunk,
    mark_late_errors,
    rows_left,
)
from services.imports.commit_context import CommitContext, RowSpan, prepare_commit
from services.imports.records import ImportMode, ImportRecord, ImportStatus
from services.imports.staging import count_late_errors_in_tally
from services.imports.storage import delete_file
from services.imports.usage import remove_import_usages
from services.jobs import state as job_state

DEFAULT_LANES = 2
CHUNK_ATTEMPTS = 3
COMMITTING = (ImportStatus.COMMITTING,)
NOTHING_IMPORTED = "Cancelled on request; nothing was imported."


class _Stop(Exception):
    def __init__(self, status: ImportStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _RowsBecameInvalid(Exception):
    pass


async def run_commit(
    job_id: int,
    import_id: int,
    *,
    member_id: int | None,
    chunk_size: int,
    lanes: int = DEFAULT_LANES,
) -> JobStatus:
    record = await store.get_import_by_id(import_id)
    if record.status is not ImportStatus.COMMITTING:
        return await _already_over(job_id, record)
    try:
        ctx = await prepare_commit(record, job_id, member_id)
    except DomainError as exc:
        return await _end(job_id, record, ImportStatus.FAILED, exc.message)
    if record.options.mode is ImportMode.ALL_OR_NOTHING:
        return await _commit_all_or_nothing(ctx, record, chunk_size)
    stop = await _run_lanes(ctx, chunk_size, lanes)
    if stop is None:
        return await _complete_when_done(ctx)
    record = await store.get_import_by_id(import_id)
    if record.status is not ImportStatus.COMMITTING:
        return await _already_over(job_id, record)
    return await _end(job_id, record, stop.status, stop.message)


async def _already_over(job_id: int, record: ImportRecord) -> JobStatus:
    statuses = {ImportStatus.COMMITTED: JobStatus.SUCCEEDED, ImportStatus.FAILED: JobStatus.FAILED}
    status = statuses.get(record.status, JobStatus.CANCELLED)
    await job_state.finish(job_id, status)
    return status


async def _run_lanes(ctx: CommitContext, chunk_size: int, count: int) -> _Stop | None:
    """Runs the lanes to the end; when one has to stop, the others are cancelled (their
    chunk in progress rolls back) and the reason is returned."""
    stop: _Stop | None = None
    claims = asyncio.Lock()
    try:
        async with asyncio.TaskGroup() as lanes:
            for _ in range(count):
                lanes.create_task(_lane(ctx, chunk_size, claims))
    except* _Stop as stopped:
        first = stopped.exceptions[0]
        assert isinstance(first, _Stop)
        stop = first
    return stop


async def _lane(ctx: CommitContext, chunk_size: int, claims: asyncio.Lock) -> None:
    """Commits chunks until no row is left to claim."""
    after = 0
    while (
        claimed := await commit_next_chunk(ctx, chunk_size, after=after, claims=claims)
    ) is not None:
        after = claimed


async def commit_next_chunk(
    ctx: CommitContext, chunk_size: int, *, after: int = 0, claims: asyncio.Lock | None = None
) -> int | None:
    """Claims, applies and checkpoints one chunk after row `after`; returns its last row,
    None when there was nothing left to claim. Raises _Stop when the import must stop.

    Lanes sharing `claims` claim one at a time: a claim locks rows as its scan reaches them,
    so two claims running together could interleave, each chunk's span then covering rows
    the other lane holds."""
    one_at_a_time = claims or asyncio.Lock()
    for attempt in range(1, CHUNK_ATTEMPTS + 1):
        try:
            async with transaction() as tx:
                await _check_still_committing(ctx)
                async with one_at_a_time:
                    claimed = await claim_chunk(tx, ctx.import_id, after, chunk_size)
                if claimed is None:
                    return None
                span, rows = claimed
                # Addresses are checked again only on a second attempt (see mark_late_errors).
                outcome = await commit_chunk(tx, ctx, span, rows, check_addresses=attempt > 1)
                await _checkpoint(tx, ctx, outcome)
            return span.last
        except (asyncpg.UniqueViolationError, asyncpg.DeadlockDetectedError):
            # An address another contact took since the preview (the next attempt's re-check
            # turns that row into an error), or two lanes meeting over shared rows such as a
            # smart group's count: the chunk rolled back whole, so try it again.
            if attempt == CHUNK_ATTEMPTS:
                raise
    return None


async def _check_still_committing(ctx: CommitContext) -> None:
    state = await sql().fetchrow(statements.COMMIT_STATE, ctx.import_id, ctx.job_id)
    assert state is not None
    if state["status"] != ImportStatus.COMMITTING.value:
        raise _Stop(ImportStatus(state["status"]), "The import is no longer being committed.")
    if state["cancel_requested"]:
        record = await store.get_import_by_id(ctx.import_id)
        done = record.counts.created + record.counts.updated
        raise _Stop(
            ImportStatus.CANCELLED,
            f"Stopped on request; the {done} contacts imported or updated before that stay.",
        )


async def _checkpoint(tx: Sql, ctx: CommitContext, outcome: ChunkOutcome) -> None:
    await tx.execute(
        statements.ADD_CHUNK_COUNTS,
        ctx.import_id,
        outcome.created,
        outcome.updated,
        outcome.unchanged + outcome.skipped,
        outcome.late_errors,
    )
    await job_state.add_progress(tx, ctx.job_id, outcome.rows)


async def _complete_when_done(ctx: CommitContext) -> JobStatus:
    async with transaction() as tx:
        record = await store.lock_import_by_id(tx, ctx.import_id)
        if record.status is not ImportStatus.COMMITTING:
            return await _already_over(ctx.job_id, record)
        if await rows_left(tx, ctx.import_id):
            raise RuntimeError("rows are left after every lane finished")
        completed = await _complete(tx, ctx)
    _forget_file_without_errors(completed)
    return JobStatus.SUCCEEDED


async def _complete(tx: Sql, ctx: CommitContext) -> ImportRecord:
    await store.set_status(ctx.import_id, ImportStatus.COMMITTED, only_from=COMMITTING, tx=tx)
    await count_late_errors_in_tally(tx, ctx.import_id)
    record = await store.get_import_by_id(ctx.import_id, tx=tx)
    await remove_import_usages(tx, record)
    counts = record.counts
    await job_state.finish(
        ctx.job_id,
        JobStatus.SUCCEEDED,
        changed=counts.created + counts.updated,
        skipped=counts.unchanged + counts.error_rows + counts.late_errors,
        tx=tx,
    )
    return record


def _forget_file_without_errors(record: ImportRecord) -> None:
    """The file is kept only to build the error file; without errors it can go."""
    if record.counts.error_rows + record.counts.late_errors == 0:
        delete_file(record.file_path)


async def _commit_all_or_nothing(
    ctx: CommitContext, record: ImportRecord, chunk_size: int
) -> JobStatus:
    """Addresses are checked again only on a second run, after the first met one that another
    contact took since the preview (see mark_late_errors)."""
    try:
        return await _all_or_nothing_run(ctx, record, chunk_size, check_addresses=False)
    except asyncpg.UniqueViolationError:
        return await _all_or_nothing_run(ctx, record, chunk_size, check_addresses=True)


async def _all_or_nothing_run(
    ctx: CommitContext, record: ImportRecord, chunk_size: int, *, check_addresses: bool
) -> JobStatus:
    total = record.counts.valid_rows
    try:
        async with transaction() as tx:
            state = await store.lock_import_by_id(tx, ctx.import_id)
            if state.status is not ImportStatus.COMMITTING:
                return JobStatus.CANCELLED
            after, done = 0, 0
            while (claimed := await claim_chunk(tx, ctx.import_id, after, chunk_size)) is not None:
                span, rows = claimed
                outcome = await commit_chunk(tx, ctx, span, rows, check_addresses=check_addresses)
                if outcome.late_errors:
                    raise _RowsBecameInvalid
                await tx.execute(
                    statements.ADD_ALL_OR_NOTHING_COUNTS,
                    ctx.import_id,
                    outcome.created,
                    outcome.updated,
                    outcome.unchanged + outcome.skipped,
                )
                after, done = span.last, done + rows
                if await job_state.report_progress(ctx.job_id, done, total):
                    raise _Stop(ImportStatus.CANCELLED, NOTHING_IMPORTED)
            completed = await _complete(tx, ctx)
    except _RowsBecameInvalid:
        return await _fail_on_late_errors(ctx, record)
    except _Stop as stop:
        return await _end(ctx.job_id, record, stop.status, stop.message)
    _forget_file_without_errors(completed)
    return JobStatus.SUCCEEDED


async def _fail_on_late_errors(ctx: CommitContext, record: ImportRecord) -> JobStatus:
    """Mark the rows that became invalid (outside the rolled-back transaction) and fail."""
    everything = RowSpan(ctx.import_id, 0, 2**31 - 1)
    late = await mark_late_errors(sql(), everything, ctx.workspace_id, addresses=True)
    await sql().execute(statements.SET_LATE_ERROR_COUNT, ctx.import_id, late)
    count = "1 row" if late == 1 else f"{late} rows"
    message = (
        f"{count} became invalid after the preview (a matched contact was deleted, or an address "
        "was given to another contact). This import is all-or-nothing, so nothing was imported; "
        "download the error rows to see which."
    )
    return await _end(ctx.job_id, record, ImportStatus.FAILED, message)


async def _end(job_id: int, record: ImportRecord, status: ImportStatus, message: str) -> JobStatus:
    """Stops a committing import as cancelled or failed, with the reason."""
    job_status = JobStatus.CANCELLED if status is ImportStatus.CANCELLED else JobStatus.FAILED
    async with transaction() as tx:
        await store.set_status(record.id, status, only_from=COMMITTING, failure=message, tx=tx)
        await count_late_errors_in_tally(tx, record.id)
        await remove_import_usages(tx, record)
        await job_state.finish(job_id, job_status, message=message, tx=tx)
    return job_status
