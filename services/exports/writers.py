"""Writing export files, range by range, as the database renders them: CSV through COPY,
XLSX as sheet rows streamed into the workbook (`xlsx_file`)."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path
from typing import Any, Protocol

from services.exports.columns import ExportColumns
from services.exports.reading import ContactReader
from services.exports.xlsx_file import XlsxWriter
from services.imports.records import FileFormat

XLSX_MAX_ROWS = 1_048_576  # a sheet's limit, header included
SHEET_TITLE = "Contacts"


class ExportFile(Protocol):
    """`render` reads a range (several may run at once); `write` adds one, in order, and
    returns its rows."""

    async def render(self, reader: ContactReader, after: int, last: int) -> Any: ...

    async def write(self, rendered: Any) -> int: ...

    def close(self) -> None: ...


class CsvFile:
    def __init__(self, path: Path, columns: ExportColumns) -> None:
        self._columns = columns
        self._handle = path.open("wb")
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(columns.header)
        self._handle.write(header.getvalue().encode())

    async def render(self, reader: ContactReader, after: int, last: int) -> tuple[bytes, int]:
        return await reader.csv(self._columns, after, last)

    async def write(self, rendered: tuple[bytes, int]) -> int:
        lines, rows = rendered
        await asyncio.to_thread(self._handle.write, lines)
        return rows

    def close(self) -> None:
        self._handle.close()


class XlsxFile:
    def __init__(
        self, path: Path, columns: ExportColumns, *, max_rows: int, expected_rows: int
    ) -> None:
        self._columns = columns
        self._writer = XlsxWriter(
            path, columns.header, title=SHEET_TITLE, max_rows=max_rows, expected_rows=expected_rows
        )

    async def render(self, reader: ContactReader, after: int, last: int) -> list[str]:
        return await reader.xlsx_rows(self._columns, after, last)

    async def write(self, rendered: list[str]) -> int:
        await asyncio.to_thread(self._writer.write_rows, rendered)
        return len(rendered)

    def close(self) -> None:
        self._writer.close()


def open_export_file(
    file_format: FileFormat, path: Path, columns: ExportColumns, *, expected_rows: int
) -> ExportFile:
    """`expected_rows`: the contacts selected when the export began (sizes XLSX sheets)."""
    if file_format is FileFormat.CSV:
        return CsvFile(path, columns)
    return XlsxFile(path, columns, max_rows=XLSX_MAX_ROWS, expected_rows=expected_rows)
