"""Export files are deleted once kept for `export_file_seconds`, and the export expires."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.settings import Settings
from core.sql import sql
from services.errors import NotFound
from services.exports.links import (
    DOWNLOAD_PREFIX,
    EXPIRED_LINKS_KEPT,
    LinkRefusal,
    LinkTarget,
    create_link,
    open_link,
)
from services.exports.records import ExportRecord
from services.exports.retention import expire_export_files, export_file, has_expired
from services.exports.starting import get_export_by_id, start_export
from services.imports.records import FileFormat
from services.imports.storage import FileExpired, absolute_path
from tests.conftest import RunWorker
from tests.factories import Session, create_contact, create_session
from tests.services.exports.test_export import EVERYONE, export
from workers.tasks import clean_up_files

WEEK = timedelta(days=7)


async def written_ago(record: ExportRecord, age: timedelta) -> ExportRecord:
    await sql().execute(
        "UPDATE contact_export SET created_on = created_on - $2::interval, "
        "finished_on = finished_on - $2::interval WHERE id = $1",
        record.id,
        age,
    )
    return await get_export_by_id(record.id)


async def exported(session: Session, run_worker: RunWorker) -> ExportRecord:
    done = await export(session, run_worker)
    assert absolute_path(done.file_path).exists()
    return done


async def test_the_clean_up_deletes_old_export_files_and_keeps_recent_ones(
    run_worker: RunWorker, settings: Settings
) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    old = await written_ago(await exported(session, run_worker), WEEK + timedelta(minutes=1))
    recent = await written_ago(await exported(session, run_worker), WEEK - timedelta(minutes=1))

    assert await clean_up_files({"settings": settings}) >= 1

    old, recent = await get_export_by_id(old.id), await get_export_by_id(recent.id)
    assert not absolute_path(old.file_path).exists()
    assert old.expired_on is not None and has_expired(old)
    with pytest.raises(FileExpired, match="This export has expired"):
        export_file(old)
    assert export_file(recent) == absolute_path(recent.file_path)
    assert recent.expired_on is None and not has_expired(recent)


async def test_an_export_past_its_time_is_expired_before_the_clean_up_runs(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    old = await written_ago(await exported(session, run_worker), WEEK + timedelta(minutes=1))

    with pytest.raises(FileExpired):
        export_file(old)
    assert absolute_path(old.file_path).exists()


async def test_overlapping_runs_delete_each_file_once_and_a_missing_file_is_no_error(
    run_worker: RunWorker,
) -> None:
    sessions = [await create_session(), await create_session()]
    olds = [await written_ago(await exported(s, run_worker), 2 * WEEK) for s in sessions]
    absolute_path(olds[0].file_path).unlink()

    runs = await asyncio.gather(*(expire_export_files(WEEK, batch=1) for _ in range(3)))

    assert sum(runs) >= 2
    for old in olds:
        record = await get_export_by_id(old.id)
        assert record.expired_on is not None
        assert not absolute_path(record.file_path).exists()
    assert await expire_export_files(WEEK) == 0


async def test_an_export_whose_job_ended_without_a_file_leaves_no_partial_file(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    started = await start_export(session.caller, EVERYONE, FileFormat.CSV, enqueue=False)
    await sql().execute(
        "UPDATE job SET status = 'failed', finished_on = now() WHERE id = $1", started.job.id
    )
    with pytest.raises(NotFound):
        export_file(started.record)
    assert not has_expired(started.record)
    partial = absolute_path(started.record.file_path + ".part")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text("uuid,name\r\n")
    await sql().execute(
        "UPDATE contact_export SET created_on = created_on - $2::interval WHERE id = $1",
        started.record.id,
        2 * WEEK,
    )

    await expire_export_files(WEEK)

    assert not partial.exists()
    record = await get_export_by_id(started.record.id)
    assert record.expired_on is not None
    with pytest.raises(FileExpired):
        export_file(record)


async def test_links_expired_a_month_ago_are_pruned_by_the_clean_up(
    run_worker: RunWorker, settings: Settings
) -> None:
    session = await create_session()
    record = await exported(session, run_worker)
    old = await create_link(session.caller, export_id=record.id)
    await sql().execute(
        "UPDATE download_link SET expires_on = now() - $1::interval",
        EXPIRED_LINKS_KEPT + timedelta(minutes=1),
    )
    lapsed = await create_link(session.caller, export_id=record.id)
    await sql().execute(
        "UPDATE download_link SET expires_on = now() - interval '1 day' WHERE expires_on > now()"
    )
    recent = await create_link(session.caller, export_id=record.id)

    await clean_up_files({"settings": settings})

    answers = [await open_link(link.path.removeprefix(DOWNLOAD_PREFIX)) for link in (old, lapsed)]
    assert answers == [LinkRefusal.UNKNOWN, LinkRefusal.EXPIRED]
    assert isinstance(await open_link(recent.path.removeprefix(DOWNLOAD_PREFIX)), LinkTarget)
