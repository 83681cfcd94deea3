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
  garbage collector walked them all again and again (reading 1M rows took 33.6 s, now 27.8 s).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS

from services.imports.xlsx_strings import MAIN, SharedStrings

_DIMENSION, _ROWS = f"{MAIN}dimension", f"{MAIN}sheetData"
_LAST_ROW = re.compile(r"(\d+)$")


class _RowParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser, for the cells of each row only."""

    def rows(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """(row number, its cells), each row dropped from the tree once read."""
        rows_parent = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == _ROWS:
                    rows_parent = element
                continue
            if element.tag == ROW_TAG:
                row = self.parse_row(element)
                self.row_dimensions.clear()
                (rows_parent if rows_parent is not None else element).clear()
                yield row


class ReadSheet(ReadOnlyWorksheet):  # type: ignore[misc]
    """A read-only sheet read to its last cell. `part` is its path in the archive;
    `stated_rows` the last row its `<dimension>` names, if it names one."""

    def __init__(self, book: object, title: str, part: str, strings: object) -> None:
        self.part = part
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
    done with it."""

    def __init__(self, handle: object) -> None:
        super().__init__(handle, read_only=True, data_only=True)

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            self.shared_strings = SharedStrings(self.archive.open(part.PartName[1:]))

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                read = ReadSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                read.sheet_state = sheet.state
                self.wb._sheets.append(read)

    def close_strings(self) -> None:
        if isinstance(self.shared_strings, SharedStrings):
            self.shared_strings.close()
