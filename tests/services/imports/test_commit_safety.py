"""A commit applies each row exactly once: confirmed twice, run twice, or killed part-way;
all-or-nothing imports import nothing when anything goes wrong."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import pytest

from core.sql import sql
from models.enums import JobKind, JobStatus
from services.errors import InvalidState
from services.imports import commit as commit_module
from services.imports import store
from services.imports.commit import commit_next_chunk
from services.imports.commit_context import prepare_commit
from services.imports.errors import ImportHasErrors
from services.imports.groups import GroupRef
from services.imports.jobs import run_import_job
from services.imports.lifecycle import cancel_import, confirm_import
from services.imports.queries import find_import
from services.imports.records import ImportMode, ImportRecord, ImportStatus
from services.imports.storage import absolute_path
from services.jobs import control as jobs
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    create_contact,
    create_session,
    group_state,
    workspace_snapshot,
)
from tests.services.imports.support import (
    commit,
    contacts_of,
    error_codes,
    problems,
    upload,
    validate,
)

FIVE = "name,phone\n" + "".join(f"P{i},078800000{i}\n" for i in range(1, 6))


async def _history_counts(workspace_id: int) -> dict[str, int]:
    rows = await sql().fetch(
        "SELECT kind, count(*) AS n FROM contact_event WHERE workspace_id = $1 GROUP BY kind",
        workspace_id,
    )
    return {r["kind"]: r["n"] for r in rows}


async def test_confirming_twice_is_refused_and_imports_once(run_worker: RunWorker) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FIVE)
    await confirm_import(session.caller, record.uuid)

    with pytest.raises(InvalidState) as refused:
        await confirm_import(session.caller, record.uuid)
    await run_worker()
    with pytest.raises(InvalidState) as again:
        await confirm_import(session.caller, record.uuid)

    assert refused.value.message == "This import was already confirmed and is being imported."
    assert again.value.message == "This import was already confirmed and imported."
    assert len(await contacts_of(session)) == 5
    assert await _history_counts(session.workspace.id) == {"created": 5}


async def test_a_commit_job_run_again_changes_nothing(run_worker: RunWorker) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FIVE, group=GroupRef(name="G"))
    done = await commit(session, run_worker, record)
    assert done.commit_job_id is not None
    await sql().execute("UPDATE job SET status = 'running' WHERE id = $1", done.commit_job_id)

    status = await run_import_job(done.commit_job_id, JobKind.COMMIT_IMPORT, chunk_size=2)

    assert status is JobStatus.SUCCEEDED
    assert len(await contacts_of(session)) == 5
    assert await _history_counts(session.workspace.id) == {"created": 5}
    assert (await group_state(done.group_id or 0)).member_count == 5


async def test_a_worker_killed_mid_commit_resumes_without_duplicates(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FIVE, group=GroupRef(name="G"))
    confirmed = await confirm_import(session.caller, record.uuid)
    # The first worker commits one chunk of two rows, then dies before going on.
    await sql().execute("UPDATE job SET status = 'running' WHERE id = $1", confirmed.job.id)
    ctx = await prepare_commit(confirmed.record, confirmed.job.id, session.caller.member.id)
    assert await commit_next_chunk(ctx, 2) == 3
    assert len(await contacts_of(session)) == 2

    await run_worker(job_chunk_size=2)

    done = await store.get_import_by_id(record.id)
    assert done.status is ImportStatus.COMMITTED
    assert [p["name"] for p in await contacts_of(session)] == ["P1", "P2", "P3", "P4", "P5"]
    assert done.counts.created == 5
    left = "SELECT count(*) FROM import_row WHERE import_id = $1"
    assert await sql().fetchval(left, record.id) == 0
    assert await _history_counts(session.workspace.id) == {"created": 5}
    state = await group_state(done.group_id or 0)
    assert (state.member_count, len(state.contact_ids)) == (5, 5)
    job = await sql().fetchrow(
        "SELECT status, progress_done, progress_total FROM job WHERE id = $1", confirmed.job.id
    )
    assert job is not None
    assert tuple(job) == ("succeeded", 5, 5)


async def test_all_or_nothing_with_invalid_rows_cannot_be_confirmed(run_worker: RunWorker) -> None:
    session = await create_session()
    record = await validate(
        session, run_worker, "name,phone\nBob,0788383383\nBad,12\n", mode=ImportMode.ALL_OR_NOTHING
    )
    before = await workspace_snapshot(session.workspace)

    with pytest.raises(ImportHasErrors) as refused:
        await confirm_import(session.caller, record.uuid)

    assert refused.value.message == (
        "1 row has errors, and this import is all-or-nothing: nothing will be imported. "
        "Download the error rows, fix them and upload the file again."
    )
    assert await workspace_snapshot(session.workspace) == before
    assert (await store.get_import_by_id(record.id)).status is ImportStatus.PREVIEWED


async def test_all_or_nothing_imports_nothing_when_a_row_became_invalid(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FIVE, mode=ImportMode.ALL_OR_NOTHING)
    taker = await create_contact(session, "Taker", urns=["tel:+250788000005"])

    done = await commit_with_chunks(session, run_worker, record.uuid, chunk_size=2)

    assert done.status is ImportStatus.FAILED
    assert done.failure == (
        "1 row became invalid after the preview (a matched contact was deleted, or an address "
        "was given to another contact). This import is all-or-nothing, so nothing was "
        "imported; download the error rows to see which."
    )
    assert [p["name"] for p in await contacts_of(session)] == ["Taker"]
    assert await problems(done) == [
        (
            6,
            None,
            "tel:+250788000005",
            "tel:+250788000005 was given to another contact after the preview",
        )
    ]
    assert taker.name == "Taker"
    assert await _history_counts(session.workspace.id) == {"created": 1}


async def test_valid_rows_only_reports_rows_that_became_invalid_and_imports_the_rest(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    gone = await create_contact(session, "Gone", urns=["tel:+250788000001"])
    record = await validate(session, run_worker, FIVE)
    await create_contact(session, "Taker", urns=["tel:+250788000005"])
    await sql().execute("DELETE FROM contact WHERE id = $1", gone.id)

    done = await commit_with_chunks(session, run_worker, record.uuid, chunk_size=2)

    assert done.status is ImportStatus.COMMITTED
    assert (done.counts.created, done.counts.updated, done.counts.late_errors) == (3, 0, 2)
    assert [p["name"] for p in await contacts_of(session)] == ["P2", "P3", "P4", "Taker"]
    assert [(row, message) for row, _, _, message in await problems(done)] == [
        (2, "the contact this row matched was deleted after the preview"),
        (6, "tel:+250788000005 was given to another contact after the preview"),
    ]
    assert await error_codes(done) == [(2, "contact_deleted"), (6, "address_taken")]
    assert [(t.code.value, t.column, t.rows) for t in done.error_tally] == [
        ("address_taken", None, 1),
        ("contact_deleted", None, 1),
    ]


async def commit_with_chunks(
    session: Session, run_worker: RunWorker, import_uuid: UUID, *, chunk_size: int
) -> ImportRecord:
    confirmed = await confirm_import(session.caller, import_uuid)
    await run_worker(job_chunk_size=chunk_size)
    return await store.get_import_by_id(confirmed.record.id)


async def test_cancel_drops_the_staging_rows_and_the_file(run_worker: RunWorker) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FIVE)

    cancelled = await cancel_import(session.caller, record.uuid)

    assert cancelled.status is ImportStatus.CANCELLED
    assert (
        await sql().fetchval("SELECT count(*) FROM import_row WHERE import_id = $1", record.id) == 0
    )
    assert not absolute_path(record.file_path).exists()
    with pytest.raises(InvalidState) as refused:
        await confirm_import(session.caller, record.uuid)
    assert refused.value.message == "This import was cancelled."
    assert await contacts_of(session) == []


async def test_a_confirmed_import_cannot_be_cancelled(run_worker: RunWorker) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FIVE)
    await confirm_import(session.caller, record.uuid)

    with pytest.raises(InvalidState) as refused:
        await cancel_import(session.caller, record.uuid)

    assert refused.value.message == (
        "This import was already confirmed; it can no longer be cancelled."
    )


async def test_cancelling_before_validation_runs_stops_it(run_worker: RunWorker) -> None:
    session = await create_session()
    started = await upload(session, FIVE)
    await cancel_import(session.caller, started.record.uuid)

    await run_worker()

    job = await sql().fetchval("SELECT status FROM job WHERE id = $1", started.job.id)
    assert job == "cancelled"
    assert (
        await sql().fetchval(
            "SELECT count(*) FROM import_row WHERE import_id = $1", started.record.id
        )
        == 0
    )


async def test_cancelling_the_commit_job_stops_after_the_chunk_in_progress(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FIVE)
    confirmed = await confirm_import(session.caller, record.uuid)
    await sql().execute("UPDATE job SET status = 'running' WHERE id = $1", confirmed.job.id)
    ctx = await prepare_commit(confirmed.record, confirmed.job.id, session.caller.member.id)
    await commit_next_chunk(ctx, 2)
    await sql().execute("UPDATE job SET cancel_requested = TRUE WHERE id = $1", confirmed.job.id)

    await run_worker(job_chunk_size=2)

    done = await store.get_import_by_id(record.id)
    assert (done.status, done.failure) == (
        ImportStatus.CANCELLED,
        "Stopped on request; the 2 contacts imported or updated before that stay.",
    )
    assert [p["name"] for p in await contacts_of(session)] == ["P1", "P2"]
    job = await sql().fetchval("SELECT status FROM job WHERE id = $1", confirmed.job.id)
    assert job == "cancelled"


@pytest.mark.parametrize(
    ("mode", "failure"),
    [
        (ImportMode.ALL_OR_NOTHING, "Cancelled on request; nothing was imported."),
        (
            ImportMode.VALID_ROWS_ONLY,
            "Stopped on request; the 0 contacts imported or updated before that stay.",
        ),
    ],
)
async def test_a_commit_asked_to_stop_before_it_ran_imports_nothing_and_ends_cancelled(
    run_worker: RunWorker, mode: ImportMode, failure: str
) -> None:
    """As when Ctrl-C comes while the command line confirms: the job still runs, to end the
    import, and stops before its first chunk."""
    session = await create_session()
    record = await validate(session, run_worker, FIVE, mode=mode)
    confirmed = await confirm_import(session.caller, record.uuid)
    await jobs.request_stop(confirmed.job.id)

    await run_worker(job_chunk_size=2)

    done = await store.get_import_by_id(record.id)
    assert (done.status, done.failure) == (ImportStatus.CANCELLED, failure)
    assert await contacts_of(session) == []
    job = await sql().fetchval("SELECT status FROM job WHERE id = $1", confirmed.job.id)
    assert job == "cancelled"


async def test_an_import_whose_job_was_cancelled_before_it_ran_ends_cancelled(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FIVE)
    confirmed = await confirm_import(session.caller, record.uuid)
    await jobs.cancel_job(session.caller, confirmed.job.uuid)

    await run_worker()
    found = await find_import(session.caller, record.uuid)

    assert found is not None
    assert (found.status, found.failure) == (ImportStatus.CANCELLED, "Its job was cancelled.")
    assert await contacts_of(session) == []


async def test_an_all_or_nothing_commit_shows_progress_and_can_be_cancelled_while_it_runs(
    run_worker: RunWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FIVE, mode=ImportMode.ALL_OR_NOTHING)
    confirmed = await confirm_import(session.caller, record.uuid)
    reached, resume = asyncio.Event(), asyncio.Event()
    apply_chunk = commit_module.commit_chunk
    calls = 0

    async def second_chunk_waits(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            reached.set()
            await resume.wait()
        return await apply_chunk(*args, **kwargs)

    monkeypatch.setattr(commit_module, "commit_chunk", second_chunk_waits)
    worker = asyncio.create_task(run_worker(job_chunk_size=2))
    try:
        await asyncio.wait_for(reached.wait(), timeout=10)
        shown = await sql().fetchrow(
            "SELECT progress_done, progress_total FROM job WHERE id = $1", confirmed.job.id
        )
        cancelled = await asyncio.wait_for(
            jobs.cancel_job(session.caller, confirmed.job.uuid), timeout=5
        )
    finally:
        resume.set()
        await worker

    assert shown is not None
    assert (shown["progress_done"], shown["progress_total"]) == (2, 5)
    assert cancelled.cancel_requested
    done = await store.get_import_by_id(record.id)
    assert (done.status, done.failure) == (
        ImportStatus.CANCELLED,
        "Cancelled on request; nothing was imported.",
    )
    assert await contacts_of(session) == []
