"""Writing export files, range by range: CSV as the database renders it (COPY), XLSX row by
row with openpyxl's streaming writer. Every cell is text, so spreadsheet programs keep phone
numbers and codes as they are."""

from __future__ import annotations

import asyncio
import csv
import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import openpyxl

from services.exports.columns import ExportColumns
from services.exports.reading import ContactReader
from services.imports.records import FileFormat

XLSX_MAX_ROWS = 1_048_576  # a sheet's limit, header included
SHEET_TITLE = "Contacts"


class ExportFile(Protocol):
    """`render` reads a range (several may run at once); `write` adds one, in order."""

    async def render(self, reader: ContactReader, after: int, last: int) -> Any: ...

    async def write(self, rendered: Any) -> None: ...

    def close(self) -> None: ...


class CsvFile:
    def __init__(self, path: Path, columns: ExportColumns) -> None:
        self._columns = columns
        self._handle = path.open("wb")
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(columns.header)
        self._handle.write(header.getvalue().encode())

    async def render(self, reader: ContactReader, after: int, last: int) -> bytes:
        return await reader.csv(self._columns, after, last)

    async def write(self, rendered: bytes) -> None:
        await asyncio.to_thread(self._handle.write, rendered)

    def close(self) -> None:
        self._handle.close()


class XlsxFile:
    """Past a sheet's row limit, rows continue on further sheets, each with the header."""

    def __init__(self, path: Path, columns: ExportColumns, *, max_rows: int) -> None:
        self._path = path
        self._columns = columns
        self._max_rows = max_rows
        self._book: Any = openpyxl.Workbook(write_only=True)
        self._sheets = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._sheets += 1
        title = SHEET_TITLE if self._sheets == 1 else f"{SHEET_TITLE} {self._sheets}"
        self._sheet = self._book.create_sheet(title)
        self._sheet.append(self._columns.header)
        self._rows = 1

    def _write_rows(self, rows: Sequence[Sequence[str]]) -> None:
        for row in rows:
            if self._rows >= self._max_rows:
                self._new_sheet()
            self._sheet.append(list(row))
            self._rows += 1

    async def render(self, reader: ContactReader, after: int, last: int) -> list[list[str]]:
        return await reader.rows(self._columns, after, last)

    async def write(self, rendered: list[list[str]]) -> None:
        await asyncio.to_thread(self._write_rows, rendered)

    def close(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._book.save(self._path)


def open_export_file(file_format: FileFormat, path: Path, columns: ExportColumns) -> ExportFile:
    if file_format is FileFormat.CSV:
        return CsvFile(path, columns)
    return XlsxFile(path, columns, max_rows=XLSX_MAX_ROWS)
