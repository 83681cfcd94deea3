"""Reading XLSX rows as text cells, sheet by sheet, streamed by openpyxl's read-only reader
(as adapted in `xlsx_book`: shared strings on disk, every row read whatever size a sheet
states, each row let go of once read), so memory stays flat whatever the file's size.

The first sheet is read; further sheets whose first row repeats the first sheet's header
continue it (our exports split large files that way), numbered on from where it ended.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from services.imports.errors import FileProblem
from services.imports.limits import FileLimits
from services.imports.xlsx_book import ReadSheet, WorkbookReader

EXACT_FLOAT_LIMIT = 2**53
COUNT_BLOCK = 1 << 20


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < EXACT_FLOAT_LIMIT:
            return str(int(value))
        # Written out in full, from the shortest digits that read back as the same number
        # (what the spreadsheet shows): 1e+20 was refused as scientific notation nobody typed.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _texts(values: Iterable[Any]) -> list[str]:
    cells = [cell_text(v) for v in values]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _row_count(archive: zipfile.ZipFile, sheet: ReadSheet) -> int:
    """The rows the sheet states it has; a sheet that states none (streaming writers, openpyxl's
    among them, leave it out) has its row tags counted, so progress knows its total."""
    if sheet.stated_rows is not None:
        return sheet.stated_rows
    count, tail = 0, b""
    with archive.open(sheet.part) as source:
        while block := source.read(COUNT_BLOCK):
            text = tail + block
            count += text.count(b"<row ") + text.count(b"<row>")
            tail = text[-4:]  # a tag cut between two blocks is counted in the next
    return count


class XlsxRows:
    def __init__(self, path: Path, limits: FileLimits | None = None) -> None:
        # A file object: openpyxl refuses paths without a spreadsheet extension.
        self._handle = path.open("rb")
        self._reader: WorkbookReader | None = None
        self._book: Any = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
                self._reader = WorkbookReader(self._handle, limits)
                self._reader.read()
            self._book = self._reader.wb
        except FileProblem:
            self.close()
            raise
        except Exception as exc:  # noqa: BLE001 - any failure means the workbook is unreadable
            self.close()
            raise FileProblem(f"The XLSX workbook cannot be read ({type(exc).__name__}).") from None
        if not self._book.worksheets:
            self.close()
            raise FileProblem("The XLSX workbook has no sheets.")
        self._read = 0
        try:
            self._total = sum(_row_count(self._reader.archive, ws) for ws in self._book.worksheets)
        except BaseException:
            self.close()
            raise

    def records(self) -> Iterator[tuple[int, list[str]]]:
        try:
            yield from self._records()
        except FileProblem:
            raise
        except Exception as exc:  # noqa: BLE001 - a part of the workbook is broken past this row
            raise FileProblem(
                f"Row {self._read + 1} of the XLSX workbook cannot be read ({type(exc).__name__})."
            ) from None

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        number = 0
        header: list[str] | None = None
        for index, sheet in enumerate(self._book.worksheets):
            rows = sheet.row_values()
            if index > 0:
                first = next(rows, None)
                if first is None or _texts(first) != header:
                    return
                self._read += 1
            for values in rows:
                number += 1
                self._read += 1
                cells = _texts(values)
                if number == 1:
                    header = cells
                yield number, cells

    def progress(self) -> tuple[int, int]:
        return (self._read, max(self._total, self._read))

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close_strings()
        if self._book is not None:
            self._book.close()
        self._handle.close()
