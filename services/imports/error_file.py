"""The error file: the rows that were not imported, as they were in the upload, with an
`error` column saying why, so a person can fix just those and upload them again.

Built on the fly from the kept upload and the staging table's error rows, both read in order.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from services.errors import NotFound
from services.imports.formulas import quoted
from services.imports.readers import SheetReader, open_sheet
from services.imports.records import ImportRecord, RowErrors
from services.imports.staging import list_error_rows
from services.imports.storage import FileExpired, absolute_path

BATCH = 1000
ERROR_HEADER = "error"


def _describe(errors: RowErrors) -> str:
    return "; ".join(f"{p.column}: {p.message}" if p.column else p.message for p in errors.problems)


def _pick(records: Iterator[tuple[int, list[str]]], wanted: list[int]) -> dict[int, list[str]]:
    """Advances through the file to each wanted row (in order) and returns their cells."""
    found: dict[int, list[str]] = {}
    targets = iter(wanted)
    target = next(targets, None)
    while target is not None:
        record = next(records, None)
        if record is None:
            break
        number, cells = record
        if number == target:
            found[number] = cells
            target = next(targets, None)
    return found


def _lines(rows: list[list[str]]) -> str:
    """CSV lines, a cell a spreadsheet would run as a formula quoted as exports quote it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([quoted(c) for c in row] for row in rows)
    return out.getvalue()


def error_file_name(record: ImportRecord) -> str:
    stem = Path(record.file_name).stem or "import"
    return f"{stem}-errors.csv"


async def error_file(record: ImportRecord) -> AsyncIterator[str]:
    """CSV text, piece by piece. Raises FileExpired when the upload was deleted after its
    retention period, NotFound when it is otherwise no longer kept."""
    if record.file_expired_on is not None:
        raise FileExpired(
            "This import's uploaded file has expired and was deleted; its error rows can no "
            "longer be downloaded."
        )
    path = absolute_path(record.file_path)
    if not path.exists():
        raise NotFound("The uploaded file is no longer kept; its error rows cannot be shown.")
    sheet = await asyncio.to_thread(
        open_sheet, path, record.file_format, has_header=record.options.has_header
    )
    return _stream(record, sheet)


def _padded(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


async def _stream(record: ImportRecord, sheet: SheetReader) -> AsyncIterator[str]:
    try:
        width = len(sheet.labels)
        if sheet.header is not None:
            yield _lines([[*_padded(sheet.header, width), ERROR_HEADER]])
        records = sheet.records()
        after = 0
        while batch := await list_error_rows(record.id, after_row=after, limit=BATCH):
            found = await asyncio.to_thread(_pick, records, [e.row for e in batch])
            rows = [[*_padded(found.get(e.row, []), width), _describe(e)] for e in batch]
            yield _lines(rows)
            after = batch[-1].row
    finally:
        sheet.close()
