"""One way to read any import file: a header, then numbered records in chunks, within the import
file limits (`limits`): every record's cells and columns are checked, and the record past the
largest import fails the file before it is handed on, so nothing past the limit is staged."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from services.imports.csv_rows import CsvRows
from services.imports.errors import FileProblem
from services.imports.limits import (
    FileLimits,
    cell_too_long,
    file_limits,
    too_many_columns,
    too_many_rows,
)
from services.imports.records import FileFormat


class RecordSource(Protocol):
    def records(self) -> Iterator[tuple[int, list[str]]]: ...

    def progress(self) -> tuple[int, int]: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Chunk:
    first_row: int
    rows: list[list[str]]


class SheetReader:
    """`labels` name the columns: the header's texts, or `Column <n>` for a file without one."""

    def __init__(self, source: RecordSource, *, has_header: bool, limits: FileLimits) -> None:
        self._source = source
        self._limits = limits
        self._records = self._checked(source.records(), has_header)
        first = next(self._records, None)
        if first is None:
            raise FileProblem("The file has no rows.")
        _, cells = first
        if has_header:
            if not any(c.strip() for c in cells):
                raise FileProblem("The first row is empty: it should hold the column names.")
            self.header: list[str] | None = cells
            self.labels = [c.strip() or f"Column {i + 1}" for i, c in enumerate(cells)]
            self._pending: tuple[int, list[str]] | None = None
        else:
            self.header = None
            self.labels = [f"Column {i + 1}" for i in range(len(cells))]
            self._pending = first

    def _checked(
        self, records: Iterator[tuple[int, list[str]]], has_header: bool
    ) -> Iterator[tuple[int, list[str]]]:
        limits = self._limits
        rows = -1 if has_header else 0  # rows after the header
        for number, cells in records:
            if len(cells) > limits.columns:
                raise too_many_columns(limits, number)
            if cells and max(map(len, cells)) > limits.cell_characters:
                column = next(i for i, c in enumerate(cells) if len(c) > limits.cell_characters)
                raise cell_too_long(limits, f"Row {number}, column {column + 1}")
            rows += 1
            if limits.rows is not None and rows > limits.rows:
                raise too_many_rows(limits.rows)
            yield number, cells

    def records(self) -> Iterator[tuple[int, list[str]]]:
        if self._pending is not None:
            yield self._pending
            self._pending = None
        yield from self._records

    def chunks(self, size: int) -> Iterator[Chunk]:
        """Consecutive records; a chunk's rows are numbered from its `first_row`."""
        rows: list[list[str]] = []
        first_row = 0
        for number, cells in self.records():
            if not rows:
                first_row = number
            rows.append(cells)
            if len(rows) >= size:
                yield Chunk(first_row, rows)
                rows = []
        if rows:
            yield Chunk(first_row, rows)

    def progress(self) -> tuple[int, int]:
        return self._source.progress()

    def close(self) -> None:
        self._source.close()


def open_sheet(
    path: Path, file_format: FileFormat, *, has_header: bool, limits: FileLimits | None = None
) -> SheetReader:
    """Blocking (a workbook is parsed on opening): call it in a thread from async code.
    `limits`: the settings' file limits, with no row limit, when not given."""
    limits = limits or file_limits()
    source: RecordSource
    if file_format is FileFormat.CSV:
        source = CsvRows(path, limits)
    else:
        # openpyxl takes longer to import than most commands take to run: only XLSX needs it.
        from services.imports.xlsx_rows import XlsxRows

        source = XlsxRows(path, limits)
    try:
        return SheetReader(source, has_header=has_header, limits=limits)
    except BaseException:
        source.close()
        raise
