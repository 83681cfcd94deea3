"""The error file, and the process pool that large files are normalized on."""

from __future__ import annotations

import pytest

from services.imports import validation
from services.imports.error_file import error_file, error_file_name
from services.imports.records import ImportRecord
from tests.conftest import RunWorker
from tests.factories import create_session
from tests.services.imports.support import commit, problems, validate

FILE = "name,phone,Colour\nBob,0788383383,red\nBad,12,blue\n,,green\nDup,0788383383,green\nShort\n"


async def read_error_file(record: ImportRecord) -> str:
    return "".join([piece async for piece in await error_file(record)])


async def test_the_error_file_holds_the_original_rows_with_an_error_column(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    record = await validate(session, run_worker, FILE, name="people.csv")
    done = await commit(session, run_worker, record)

    text = await read_error_file(done)

    assert error_file_name(done) == "people-errors.csv"
    assert text == (
        "name,phone,Colour,error\r\n"
        'Bad,12,blue,"phone: ""12"" is not a possible phone number for RW: too short"\r\n'
        ",,green,missing name: a row needs a name or at least one address\r\n"
        "Dup,0788383383,green,repeats row 2 (same address tel:+250788383383)\r\n"
    )


async def test_an_error_file_uploaded_again_reports_the_same_problems(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    first = await validate(session, run_worker, FILE)
    await commit(session, run_worker, first)

    again = await validate(session, run_worker, await read_error_file(first))

    assert [c.state.value for c in again.columns] == ["matched", "matched", "unmatched", "ignored"]
    assert [(row, message) for row, _, _, message in await problems(again)] == [
        (2, '"12" is not a possible phone number for RW: too short'),
        (3, "missing name: a row needs a name or at least one address"),
    ]
    assert (again.counts.update_rows, again.counts.create_rows) == (1, 0)


async def test_large_files_are_normalized_on_the_process_pool_with_the_same_result(
    run_worker: RunWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = await create_session()
    rows = (
        "".join(f"P{i},0788{i:06d}\n" for i in range(1, 41)) + "Bad,12\n,,\nP1 again,0788000001\n"
    )
    monkeypatch.setattr(validation, "PARALLEL_MIN_BYTES", 0)

    record = await validate(session, run_worker, "name,phone\n" + rows, chunk_size=7)

    counts = record.counts
    assert (counts.total_rows, counts.blank_rows, counts.create_rows, counts.error_rows) == (
        42,
        1,
        40,
        2,
    )
    assert await problems(record) == [
        (42, "phone", "12", '"12" is not a possible phone number for RW: too short'),
        (44, None, "tel:+250788000001", "repeats row 2 (same address tel:+250788000001)"),
    ]
