"""An XLSX workbook's shared strings, kept on disk while its sheets are read.

Spreadsheet programs store each distinct text of a workbook once, in a table that cells refer
to by position, so any entry may be asked for at any row. openpyxl keeps the whole table as
Python strings: 516 MB for a 1M-row file of names, phones and emails saved that way. Here each
string is written, UTF-8 encoded, to an anonymous temporary file as the table is read (as far
as lookups have needed), with its end offset in a second one; a lookup reads both at their
positions (`pread`: the pages of memory maps would count as the process's own). The process
so holds the same few objects whatever the table's size; the files' pages are the OS cache's
to keep or drop.

The text of an entry is what openpyxl makes of it: its plain text, or its rich-text runs
joined, leaving out phonetic guides, with openpyxl's removal of `x005F_`.
"""

from __future__ import annotations

import os
import struct
import tempfile
from array import array
from typing import IO
from xml.etree.ElementTree import Element, iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ENTRY, _TEXT, _RUN = f"{MAIN}si", f"{MAIN}t", f"{MAIN}r"
_OFFSET = struct.Struct("=Q")  # as array("Q") writes it
_BOUNDS = struct.Struct("=QQ")
_READ_AHEAD = 1 << 16  # entries


def entry_text(entry: Element) -> str:
    parts = [entry.findtext(_TEXT) or ""]
    parts.extend(run.findtext(_TEXT) or "" for run in entry.iterfind(_RUN))
    return "".join(parts).replace("x005F_", "")


class SharedStrings:
    """The table in `source` (the workbook's `sharedStrings.xml`, closed with this one),
    indexable like the list openpyxl would build. Entries are read as far as lookups need and
    a block further: checking a file's header reads a few, and reading its rows reads the
    table alongside. `close` drops the files."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._events = iterparse(source, events=("start", "end"))
        self._table: Element | None = None
        self._data = tempfile.TemporaryFile()
        self._ends = tempfile.TemporaryFile()
        self._count = 0
        self._written = 0
        self._complete = False

    def _read_past(self, index: int) -> None:
        """Stores entries until `index` is among them (or the table ends), and a block more."""
        ends = array("Q")
        for event, element in self._events:
            if self._table is None:
                self._table = element
            if event != "end" or element.tag != _ENTRY:
                continue
            encoded = entry_text(element).encode()
            self._data.write(encoded)
            self._written += len(encoded)
            ends.append(self._written)
            self._table.clear()  # the entries read so far, so the tree never grows
            if self._count + len(ends) > index + _READ_AHEAD:
                break
        else:
            self._complete = True
        self._ends.write(ends.tobytes())
        self._data.flush()
        self._ends.flush()
        self._count += len(ends)

    def __len__(self) -> int:
        while not self._complete:
            self._read_past(self._count)
        return self._count

    def __getitem__(self, index: int) -> str:
        if index >= self._count and not self._complete:
            self._read_past(index)
        if not 0 <= index < self._count:
            raise IndexError(f"no shared string {index}")
        if index:
            bounds = os.pread(self._ends.fileno(), 2 * _OFFSET.size, (index - 1) * _OFFSET.size)
            start, end = _BOUNDS.unpack(bounds)
        else:
            start, (end,) = 0, _OFFSET.unpack(os.pread(self._ends.fileno(), _OFFSET.size, 0))
        return os.pread(self._data.fileno(), end - start, start).decode()

    def close(self) -> None:
        self._data.close()
        self._ends.close()
        self._source.close()
