"""openpyxl's read-only workbook reader (what `load_workbook(read_only=True)` runs), adapted
where it failed imports of any size from any producer:

- the shared strings stay on disk (`xlsx_strings`): openpyxl holds them as Python strings,
  516 MB for a 1M-row sheet of names, phones and emails saved by a spreadsheet program;
- a sheet's stated size (`<dimension>`) only estimates progress. openpyxl reads no row or
  column beyond it, and some streaming writers state `A1` for a whole sheet: an import read
  its header alone. A sheet that states none, openpyxl parsed whole to look for one (13 s for
  1M rows) before reading a row; only the part before the rows is read for it now;
- rows are let go of once read: openpyxl's parser left an emptied element behind per row
  (and the attributes of every row with a height or style), 78 MB after 1M rows, and the
  garbage collector walked them all again and again (reading 1M rows took 33.6 s, now 27.8 s);
- the import file limits (`limits`) hold while the workbook streams: every part is read
  through `LimitedArchive`, which refuses a workbook whose parts state more unzipped bytes
  than the limit, counts the bytes read against it, and, in XML parts, refuses a run of text
  with no tag that could only be a cell past the longest (a zip bomb's gigabyte cell fails
  after a few hundred kilobytes); a row's cells are counted and their text measured as they
  are parsed, before the row is whole.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any, cast
from xml.etree.ElementTree import iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, VALUE_TAG, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS

from services.imports.limits import (
    FileLimits,
    cell_too_long,
    file_limits,
    too_many_bytes,
    too_many_columns,
)
from services.imports.xlsx_strings import MAIN, SharedStrings

_DIMENSION, _ROWS, _TEXT = f"{MAIN}dimension", f"{MAIN}sheetData", f"{MAIN}t"
_LAST_ROW = re.compile(r"(\d+)$")
_READ_ALL = 1 << 16  # bytes read at a time for a whole part


class _Budget:
    """The unzipped bytes read from the workbook, each part counted once however often it is
    read (a sheet is read to count its rows, then for them)."""

    def __init__(self, limits: FileLimits) -> None:
        self.limits = limits
        self._read: dict[str, int] = {}
        self._total = 0

    def reached(self, part: str, position: int) -> None:
        seen = self._read.get(part, 0)
        if position > seen:
            self._total += position - seen
            self._read[part] = position
            if self._total > self.limits.uncompressed_bytes:
                raise too_many_bytes(self.limits)


class _LimitedPart:
    """A part of the workbook being read, its bytes counted; in an XML part, a run of bytes
    without a `<` (a text node) longer than a cell's text may take fails too (checked to within
    one read, whose size the parsers choose: 16 to 64 kB, 1 MB when counting rows)."""

    def __init__(self, stream: IO[bytes], part: str, budget: _Budget) -> None:
        self._stream = stream
        self._part = part
        self._budget = budget
        self._position = 0
        self._run = 0
        self._max_run = budget.limits.text_run_bytes if part.endswith(".xml") else None

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_READ_ALL), b""))
        data = self._stream.read(size)
        self._position += len(data)
        self._budget.reached(self._part, self._position)
        if self._max_run is not None and data:
            first = data.find(b"<")
            run = self._run + (len(data) if first < 0 else first)
            if run > self._max_run:
                raise cell_too_long(self._budget.limits, "A cell of the XLSX workbook")
            self._run = run if first < 0 else len(data) - data.rfind(b"<") - 1
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> _LimitedPart:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class LimitedArchive(zipfile.ZipFile):
    """The workbook's ZIP archive, read within the import file limits. The sizes its
    directory states are checked on opening: zipfile never unzips more of a part than stated
    (the rest fails its checksum), so a bomb that states its size honestly fails here, at
    once; the bytes read are counted as well."""

    def __init__(self, file: IO[bytes], limits: FileLimits) -> None:
        super().__init__(file)
        self._budget = _Budget(limits)
        check_stated_size(self, limits)

    def open(
        self,
        name: str | zipfile.ZipInfo,
        mode: zipfile._ReadWriteMode = "r",
        pwd: bytes | None = None,
        *,
        force_zip64: bool = False,
    ) -> IO[bytes]:
        stream = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return stream
        part = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return cast(IO[bytes], _LimitedPart(stream, part, self._budget))


def check_stated_size(archive: zipfile.ZipFile, limits: FileLimits) -> None:
    if sum(info.file_size for info in archive.infolist()) > limits.uncompressed_bytes:
        raise too_many_bytes(limits)


class _RowParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser, for the cells of each row only."""

    limits: FileLimits

    def rows(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """(row number, its cells), each row dropped from the tree once read. A row's cells
        are counted, and each cell's text measured, as they stream past."""
        rows_parent = None
        row = cells = length = 0
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == _ROWS:
                    rows_parent = element
                elif element.tag == ROW_TAG:
                    row = int(element.get("r") or row + 1)
                    cells = 0
                continue
            if element.tag in (VALUE_TAG, _TEXT):
                length += len(element.text or "")
                if length > self.limits.cell_characters:
                    where = f"Row {row}, column {cells + 1} of the XLSX workbook"
                    raise cell_too_long(self.limits, where)
            elif element.tag == CELL_TAG:
                cells += 1
                length = 0
                if cells > self.limits.columns:
                    raise too_many_columns(self.limits, row)
            elif element.tag == ROW_TAG:
                row = self.parse_row(element)
                self.row_dimensions.clear()
                (rows_parent if rows_parent is not None else element).clear()
                yield row


class ReadSheet(ReadOnlyWorksheet):  # type: ignore[misc]
    """A read-only sheet read to its last cell. `part` is its path in the archive;
    `stated_rows` the last row its `<dimension>` names, if it names one."""

    def __init__(
        self, book: object, title: str, part: str, strings: object, limits: FileLimits
    ) -> None:
        self.part = part
        self.limits = limits
        self.stated_rows: int | None = None
        super().__init__(book, title, part, strings)

    def _get_size(self) -> None:
        with self._get_source() as source:
            for _, element in iterparse(source, events=("start",)):
                if element.tag == _DIMENSION:
                    last = _LAST_ROW.search(element.get("ref", ""))
                    self.stated_rows = int(last.group(1)) if last else None
                    return
                if element.tag == _ROWS:
                    return

    def row_values(self) -> Iterator[tuple[Any, ...]]:
        """Each row's cell values, from the first row to the last; a row the sheet leaves out
        comes as an empty tuple, as openpyxl's `iter_rows(values_only=True)` gives them."""
        book = self.parent
        with self._get_source() as source:
            parser = _RowParser(
                source,
                self._shared_strings,
                data_only=book.data_only,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            parser.limits = self.limits
            expected = 1
            for number, cells in parser.rows():
                for _ in range(expected, number):
                    yield ()
                expected = max(expected, number)
                if number == expected:
                    yield self._get_row(cells, values_only=True)
                    expected += 1


class WorkbookReader(ExcelReader):  # type: ignore[misc]
    """Construct with a binary file object, `read()`, then use `wb`; `close_strings()` when
    done with it. Every part is read through a `LimitedArchive`."""

    def __init__(self, handle: IO[bytes], limits: FileLimits | None = None) -> None:
        super().__init__(handle, read_only=True, data_only=True)
        self.limits = limits or file_limits()
        opened: zipfile.ZipFile = self.archive
        opened.close()  # openpyxl's: the handle stays open for ours
        self.archive: zipfile.ZipFile = LimitedArchive(handle, self.limits)

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            source = self.archive.open(part.PartName[1:])
            self.shared_strings = SharedStrings(source, self.limits)

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                read = ReadSheet(self.wb, sheet.name, rel.target, self.shared_strings, self.limits)
                read.sheet_state = sheet.state
                self.wb._sheets.append(read)

    def close_strings(self) -> None:
        if isinstance(self.shared_strings, SharedStrings):
            self.shared_strings.close()
