"""Uploaded files are not kept forever: a finished import's for `import_file_seconds`, a
cancelled one's not at all, and an import left unconfirmed is cancelled after
`import_preview_seconds`."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from core.settings import Settings
from core.sql import sql
from services.exports.links import create_link
from services.imports import store
from services.imports.error_file import error_file
from services.imports.records import ImportRecord, ImportStatus
from services.imports.retention import (
    cancel_unconfirmed_imports,
    delete_finished_uploads,
    describe_span,
)
from services.imports.storage import FileExpired, absolute_path
from tests.conftest import RunWorker
from tests.factories import create_session, global_id, gql
from tests.services.imports.support import commit, validate
from tests.services.imports.wiring import transfer_client
from workers.tasks import clean_up_files

__all__ = ["transfer_client"]

WEEK = timedelta(days=7)
FILE = "name,phone\nAnn,0788383383\nBad,12\n"


async def aged(record: ImportRecord, age: timedelta) -> ImportRecord:
    await sql().execute(
        "UPDATE contact_import SET created_on = created_on - $2::interval, "
        "validated_on = validated_on - $2::interval, finished_on = finished_on - $2::interval "
        "WHERE id = $1",
        record.id,
        age,
    )
    return await store.get_import_by_id(record.id)


def kept(record: ImportRecord) -> bool:
    return absolute_path(record.file_path).exists()


async def staged_rows(record: ImportRecord) -> int:
    count: int = await sql().fetchval(
        "SELECT count(*) FROM import_row WHERE import_id = $1", record.id
    )
    return count


async def test_a_committed_import_keeps_its_upload_for_the_error_file_for_a_week(
    run_worker: RunWorker, settings: Settings
) -> None:
    session = await create_session()
    old = await commit(session, run_worker, await validate(session, run_worker, FILE))
    recent = await commit(session, run_worker, await validate(session, run_worker, FILE))
    old = await aged(old, WEEK + timedelta(minutes=1))
    recent = await aged(recent, WEEK - timedelta(minutes=1))

    await clean_up_files({"settings": settings})

    old, recent = await store.get_import_by_id(old.id), await store.get_import_by_id(recent.id)
    assert (old.status, kept(old), old.file_expired_on is not None) == (
        ImportStatus.COMMITTED,
        False,
        True,
    )
    with pytest.raises(FileExpired, match="uploaded file has expired"):
        await error_file(old)
    assert await staged_rows(old) == 0  # the error rows hold the file's values too
    assert (kept(recent), recent.file_expired_on, await staged_rows(recent)) == (True, None, 1)
    assert "Bad,12" in "".join([piece async for piece in await error_file(recent)])


async def test_a_cancelled_imports_upload_goes_at_the_next_run(run_worker: RunWorker) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FILE)
    await store.set_status(record.id, ImportStatus.CANCELLED, only_from=[record.status])
    assert kept(record)

    assert await delete_finished_uploads(WEEK) >= 1

    assert not kept(record)
    assert (await store.get_import_by_id(record.id)).file_expired_on is not None


async def test_an_import_left_unconfirmed_is_cancelled_and_its_rows_and_file_go(
    run_worker: RunWorker, settings: Settings
) -> None:
    session = await create_session()
    abandoned = await aged(await validate(session, run_worker, FILE), WEEK + timedelta(minutes=1))
    waiting = await aged(await validate(session, run_worker, FILE), WEEK - timedelta(minutes=1))
    assert await staged_rows(abandoned) == 2

    await clean_up_files({"settings": settings})

    abandoned = await store.get_import_by_id(abandoned.id)
    waiting = await store.get_import_by_id(waiting.id)
    assert (abandoned.status, abandoned.failure) == (
        ImportStatus.CANCELLED,
        "Not confirmed within 7 days; its file was deleted.",
    )
    assert (kept(abandoned), await staged_rows(abandoned)) == (False, 0)
    assert abandoned.file_expired_on is not None
    assert (waiting.status, kept(waiting), await staged_rows(waiting)) == (
        ImportStatus.PREVIEWED,
        True,
        2,
    )


async def test_overlapping_runs_cancel_each_import_once_and_a_missing_file_is_no_error(
    run_worker: RunWorker,
) -> None:
    records = []
    for _ in range(3):
        session = await create_session()
        records.append(await aged(await validate(session, run_worker, FILE), 2 * WEEK))
    absolute_path(records[0].file_path).unlink()

    runs = await asyncio.gather(*(cancel_unconfirmed_imports(WEEK, batch=1) for _ in range(3)))

    assert sum(runs) >= 3
    for record in records:
        now = await store.get_import_by_id(record.id)
        assert (now.status, kept(now), now.file_expired_on is not None) == (
            ImportStatus.CANCELLED,
            False,
            True,
        )
    assert await cancel_unconfirmed_imports(WEEK) == 0


def test_retention_spans_are_described_in_words() -> None:
    assert [describe_span(timedelta(seconds=s)) for s in (7 * 86400, 86400, 7200, 120, 5)] == [
        "7 days",
        "1 day",
        "2 hours",
        "2 minutes",
        "5 seconds",
    ]


async def test_an_error_file_link_to_an_expired_upload_says_it_expired(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    record = await commit(session, run_worker, await validate(session, run_worker, FILE))
    link = await create_link(session.caller, import_id=record.id)
    before = await transfer_client.get(link.path)
    await aged(record, WEEK + timedelta(minutes=1))
    await delete_finished_uploads(WEEK)

    after = await transfer_client.get(link.path)

    assert before.status_code == 200
    assert (after.status_code, after.json()) == (
        410,
        {
            "error": "This import's uploaded file has expired and was deleted; its error rows "
            "can no longer be downloaded."
        },
    )


async def test_the_api_shows_when_an_imports_files_expired(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    record = await commit(session, run_worker, await validate(session, run_worker, FILE))
    query = """query($id: ID!) { import(id: $id) {
        filesExpiredOn errorFileUrl counts { errors } errors { edges { node { row } } }
        errorSummary { code rows } } }"""
    variables = {"id": global_id("Import", record.uuid)}
    before = (await gql(transfer_client, session, query, variables))["data"]["import"]
    await aged(record, WEEK + timedelta(minutes=1))
    await delete_finished_uploads(WEEK)

    after = (await gql(transfer_client, session, query, variables))["data"]["import"]

    assert (before["filesExpiredOn"], before["errors"]["edges"]) == (None, [{"node": {"row": 3}}])
    assert before["errorFileUrl"] is not None
    assert after["filesExpiredOn"] is not None
    assert (after["errorFileUrl"], after["errors"]["edges"]) == (None, [])
    assert after["counts"] == {"errors": 1}
    assert after["errorSummary"] == before["errorSummary"] != []
