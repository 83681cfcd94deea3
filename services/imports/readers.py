"""One way to read any import file: a header, then numbered records in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from services.imports.csv_rows import CsvRows
from services.imports.errors import FileProblem
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

    def __init__(self, source: RecordSource, *, has_header: bool) -> None:
        self._source = source
        self._records = source.records()
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


def open_sheet(path: Path, file_format: FileFormat, *, has_header: bool) -> SheetReader:
    """Blocking (a workbook is parsed on opening): call it in a thread from async code."""
    source: RecordSource
    if file_format is FileFormat.CSV:
        source = CsvRows(path)
    else:
        # openpyxl takes longer to import than most commands take to run: only XLSX needs it.
        from services.imports.xlsx_rows import XlsxRows

        source = XlsxRows(path)
    try:
        return SheetReader(source, has_header=has_header)
    except BaseException:
        source.close()
        raise
