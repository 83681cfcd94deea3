"""The import file limits: zip bombs, long cells, wide rows and long files fail the import
with the limit named, while the file streams, before memory or staged rows grow."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from core.sql import sql
from services.imports import limits, store, xlsx_book
from services.imports.errors import FileTooLarge, NotASpreadsheet
from services.imports.limits import FileLimits
from services.imports.readers import SheetReader, open_sheet
from services.imports.records import FileFormat
from tests.conftest import RunWorker
from tests.factories import create_session
from tests.services.imports.bombs import (
    MB,
    inline_cell_bomb,
    row_number_bomb,
    shared_string_bomb,
)
from tests.services.imports.support import upload, upload_bytes

BOMB_MB = 64  # unzipped, from about 65 kB zipped
PEAK_MB = 16  # the most memory reading one may take


def use_settings(monkeypatch: pytest.MonkeyPatch, settings: Settings, **limits_: int) -> None:
    monkeypatch.setattr(limits, "get_settings", lambda: settings.model_copy(update=limits_))


def staged_rows(import_id: int) -> object:
    return sql().fetchval("SELECT count(*) FROM import_row WHERE import_id = $1", import_id)


def stored_uploads(root: Path) -> list[Path]:
    return list(root.rglob("*.upload"))


def read_all(path: Path, file_format: FileFormat, file_limits: FileLimits) -> int:
    sheet = open_sheet(path, file_format, has_header=True, limits=file_limits)
    try:
        return sum(1 for _ in sheet.records())
    finally:
        sheet.close()


def peak_reading(path: Path, file_limits: FileLimits) -> tuple[FileTooLarge, float]:
    """The failure reading the file, and the most memory (MB) Python held while it read."""
    import openpyxl  # type: ignore[import-untyped]  # noqa: F401 - loaded before measuring

    tracemalloc.start()
    try:
        with pytest.raises(FileTooLarge) as failed:
            read_all(path, FileFormat.XLSX, file_limits)
        return failed.value, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


DEFAULTS = FileLimits(uncompressed_bytes=500 * MB, cell_characters=32767, columns=1000)


@pytest.mark.parametrize("bomb", [inline_cell_bomb, shared_string_bomb])
def test_a_cell_bomb_fails_at_the_cell_limit_within_a_few_megabytes(
    tmp_path: Path, bomb: object
) -> None:
    assert callable(bomb)
    path = bomb(tmp_path / "bomb.xlsx", BOMB_MB)
    assert path.stat().st_size < MB

    failure, peak = peak_reading(path, DEFAULTS)

    assert failure.limit == "IMPORT_MAX_CELL_CHARACTERS"
    assert "more than 32,767 characters" in failure.message
    assert peak < PEAK_MB, f"reading took {peak:.1f} MB"


def test_a_workbook_stating_more_unzipped_bytes_than_the_limit_fails_at_once(
    tmp_path: Path,
) -> None:
    path = inline_cell_bomb(tmp_path / "bomb.xlsx", BOMB_MB)
    small = FileLimits(uncompressed_bytes=4 * MB, cell_characters=10**9, columns=1000)

    failure, peak = peak_reading(path, small)

    assert failure.limit == "IMPORT_MAX_UNCOMPRESSED_BYTES"
    assert failure.message.startswith("The XLSX workbook unzips to more than 4.0 MB")
    assert peak < PEAK_MB


def test_the_bytes_unzipped_are_counted_as_they_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the stated sizes to pass (they cannot lie to zipfile, which stops at them), the
    bytes read still stop at the limit."""
    monkeypatch.setattr(xlsx_book, "check_stated_size", lambda archive, limits: None)
    path = shared_string_bomb(tmp_path / "bomb.xlsx", BOMB_MB)
    small = FileLimits(uncompressed_bytes=2 * MB, cell_characters=10**9, columns=1000)

    failure, peak = peak_reading(path, small)

    assert failure.limit == "IMPORT_MAX_UNCOMPRESSED_BYTES"
    assert peak < PEAK_MB


async def test_a_zip_bomb_fails_its_import_in_the_worker_with_the_limit_named(
    run_worker: RunWorker, tmp_path: Path
) -> None:
    session = await create_session()
    data = inline_cell_bomb(tmp_path / "bomb.xlsx", BOMB_MB).read_bytes()
    started = await upload_bytes(session, data, "bomb.xlsx")  # its header is fine

    await run_worker()

    record = await store.get_import_by_id(started.record.id)
    assert record.status.value == "failed"
    assert record.failure is not None
    assert record.failure.startswith("A cell of the XLSX workbook has more than 32,767 characters")
    assert "IMPORT_MAX_CELL_CHARACTERS" in record.failure
    assert await staged_rows(record.id) == 0


async def test_a_workbook_over_the_unzipped_limit_is_refused_at_upload(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, files_root: Path
) -> None:
    use_settings(monkeypatch, settings, import_max_uncompressed_bytes=4 * MB)
    session = await create_session()
    data = inline_cell_bomb(tmp_path / "bomb.xlsx", BOMB_MB).read_bytes()

    with pytest.raises(NotASpreadsheet) as refused:
        await upload_bytes(session, data, "bomb.xlsx")

    assert "IMPORT_MAX_UNCOMPRESSED_BYTES" in refused.value.message
    assert stored_uploads(files_root) == []


async def test_an_import_past_the_workspace_rows_fails_and_keeps_no_staged_rows(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    session.workspace.max_import_rows = 10
    await session.workspace.save(update_fields=["max_import_rows"])
    text = "name\n" + "".join(f"P{i}\n" for i in range(1, 31))

    started = await upload(session, text)
    await run_worker(job_chunk_size=4)

    record = await store.get_import_by_id(started.record.id)
    assert (record.status.value, record.failure) == (
        "failed",
        "The file has more than 10 rows after its header, this workspace's largest import "
        "(max_import_rows): nothing was imported. Split it into files of at most 10 rows, or "
        "ask an administrator to raise the limit "
        "(`contacts workspace set --workspace ID --max-import-rows N`).",
    )
    assert await staged_rows(record.id) == 0


async def test_exactly_the_workspace_rows_are_imported(run_worker: RunWorker) -> None:
    session = await create_session()
    session.workspace.max_import_rows = 10
    await session.workspace.save(update_fields=["max_import_rows"])

    started = await upload(session, "name\n" + "".join(f"P{i}\n" for i in range(1, 11)))
    await run_worker(job_chunk_size=4)

    record = await store.get_import_by_id(started.record.id)
    assert (record.status.value, record.counts.total_rows) == ("previewed", 10)


async def test_a_sheet_of_ten_million_rows_fails_at_the_row_past_the_limit(
    run_worker: RunWorker, tmp_path: Path
) -> None:
    session = await create_session()
    session.workspace.max_import_rows = 1000
    await session.workspace.save(update_fields=["max_import_rows"])
    data = row_number_bomb(tmp_path / "rows.xlsx", 10_000_000).read_bytes()

    started = await upload_bytes(session, data, "rows.xlsx")
    await run_worker(job_chunk_size=100)

    record = await store.get_import_by_id(started.record.id)
    assert record.status.value == "failed"
    assert record.failure is not None
    assert record.failure.startswith("The file has more than 1,000 rows after its header")
    assert await staged_rows(record.id) == 0


class CountedSource:
    def __init__(self, rows: int) -> None:
        self.pulled = 0
        self._rows = rows

    def records(self) -> Iterator[tuple[int, list[str]]]:
        for number in range(1, self._rows + 1):
            self.pulled += 1
            yield number, [f"P{number}"]

    def progress(self) -> tuple[int, int]:
        return (self.pulled, self._rows)

    def close(self) -> None:
        return None


def test_reading_stops_at_the_row_past_the_limit() -> None:
    source = CountedSource(1_000_000)
    sheet = SheetReader(source, has_header=True, limits=FileLimits(MB, 100, 10, rows=5))

    with pytest.raises(FileTooLarge):
        list(sheet.chunks(2))

    assert source.pulled == 1 + 6  # the header, the 5 rows allowed and the one past them


CSV_LIMITS = FileLimits(uncompressed_bytes=MB, cell_characters=10, columns=3)


@pytest.mark.parametrize(
    ("text", "limit", "message"),
    [
        ("a,b,c,d\n", "IMPORT_MAX_COLUMNS", "Row 1 has more than 3 columns"),
        ("a,b\nx,y,z,w\n", "IMPORT_MAX_COLUMNS", "Row 2 has more than 3 columns"),
        ('a,b\n"x,y,z,w",1,' + "," * 10_000 + "\n", "IMPORT_MAX_COLUMNS", "Row 2 has more"),
        ("a,b\nx,0123456789A\n", "IMPORT_MAX_CELL_CHARACTERS", "Row 2, column 2 has more"),
        ("a,b\nx," + "y" * 200_000 + "\n", "IMPORT_MAX_CELL_CHARACTERS", "Row 2, or one"),
    ],
)
def test_csv_cells_and_columns_are_limited(
    tmp_path: Path, text: str, limit: str, message: str
) -> None:
    path = tmp_path / "file.csv"
    path.write_text(text)

    with pytest.raises(FileTooLarge) as failed:
        read_all(path, FileFormat.CSV, CSV_LIMITS)

    assert failed.value.limit == limit
    assert failed.value.message.startswith(message)


def test_delimiters_inside_quotes_are_not_columns(tmp_path: Path) -> None:
    path = tmp_path / "file.csv"
    path.write_text('a,b\n"x,y,z,w",1\n"m\nl,,,,",2\n')

    assert read_all(path, FileFormat.CSV, CSV_LIMITS) == 2
