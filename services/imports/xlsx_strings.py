"""An XLSX workbook's shared strings, kept on disk while its sheets are read.

Spreadsheet programs store each distinct text of a workbook once, in a table that cells refer
to by position, so any entry may be asked for at any row. openpyxl keeps the whole table as
Python strings: 516 MB for a 1M-row file of names, phones and emails saved that way. Here each
string is written, UTF-8 encoded, to an anonymous temporary file as the table is read (as far
as lookups have needed), with its end offset in a second one. A lookup in the block read last
is answered from memory; an older one reads both files at their positions (`pread`: the pages
of memory maps would count as the process's own). The process so holds one block whatever
the table's size; the files' pages are the OS cache's to keep or drop.

The text of an entry is what openpyxl makes of it: its plain text, or its rich-text runs
joined, leaving out phonetic guides, with openpyxl's removal of `x005F_`. An entry longer than
`max_characters` fails the file as it streams past (`FileTooLarge`), before it is whole: one
entry of a gigabyte would otherwise be held, in pieces and joined, in memory.
"""

from __future__ import annotations

import os
import struct
import tempfile
from array import array
from typing import IO
from xml.etree.ElementTree import XMLParser

from services.imports.limits import FileLimits, cell_too_long, file_limits

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ENTRY, _TEXT, _PHONETIC = f"{MAIN}si", f"{MAIN}t", f"{MAIN}rPh"
_OFFSET = struct.Struct("=Q")  # as array("Q") writes it
_BLOCK = 1 << 16  # entries, at least, stored at a time
_FEED = 1 << 16  # bytes


class _Entries:
    """The parser's target: collects each entry's text as the table streams past, without
    building elements."""

    def __init__(self, limits: FileLimits) -> None:
        self.read: list[str] = []
        self._limits = limits
        self._parts: list[str] = []
        self._length = 0
        self._in_text = False
        self._phonetic = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == _TEXT:
            self._in_text = not self._phonetic
        elif tag == _PHONETIC:
            self._phonetic += 1

    def end(self, tag: str) -> None:
        if tag == _TEXT:
            self._in_text = False
        elif tag == _PHONETIC:
            self._phonetic -= 1
        elif tag == _ENTRY:
            self.read.append("".join(self._parts).replace("x005F_", ""))
            self._parts.clear()
            self._length = 0

    def data(self, text: str) -> None:
        if self._in_text:
            self._length += len(text)
            if self._length > self._limits.cell_characters:
                raise cell_too_long(self._limits, "A text of the XLSX workbook")
            self._parts.append(text)

    def close(self) -> None:
        return None


class SharedStrings:
    """The table in `source` (the workbook's `sharedStrings.xml`, closed with this one),
    indexable like the list openpyxl would build. Entries are read a block at a time, as far
    as lookups need: checking a file's header reads one block, and reading its rows reads the
    table alongside. `close` drops the files."""

    def __init__(self, source: IO[bytes], limits: FileLimits | None = None) -> None:
        self._source = source
        self._entries = _Entries(limits or file_limits())
        self._parser = XMLParser(target=self._entries)
        self._data = tempfile.TemporaryFile()
        self._ends = tempfile.TemporaryFile()
        self._count = 0
        self._complete = False
        # The block read last: its entries' end offsets, and their text from `_recent_start`.
        self._recent_ends = array("Q")
        self._recent_start = 0
        self._recent = b""

    def _read_past(self, index: int) -> None:
        """Stores entries, a block at a time, until `index` is among them or the table ends."""
        while self._count <= index and not self._complete:
            self._read_block()

    def _read_block(self) -> None:
        texts: list[str] = []
        while len(texts) < _BLOCK:
            block = self._source.read(_FEED)
            if block:
                self._parser.feed(block)
            else:
                self._parser.close()  # a table cut short fails here
                self._complete = True
            texts.extend(self._entries.read)
            self._entries.read.clear()
            if self._complete:
                break
        encoded = [text.encode() for text in texts]
        ends = array("Q")
        start = end = self._recent_start + len(self._recent)  # where the data file ends
        for piece in encoded:
            end += len(piece)
            ends.append(end)
        block = b"".join(encoded)
        self._data.write(block)
        self._ends.write(ends.tobytes())
        self._data.flush()
        self._ends.flush()
        self._recent_ends, self._recent_start, self._recent = ends, start, block
        self._count += len(texts)

    def __len__(self) -> int:
        while not self._complete:
            self._read_block()
        return self._count

    def __getitem__(self, index: int) -> str:
        self._read_past(index)
        if not 0 <= index < self._count:
            raise IndexError(f"no shared string {index}")
        start = self._end(index - 1) if index else 0
        end = self._end(index)
        if start >= self._recent_start:
            offset = self._recent_start
            return self._recent[start - offset : end - offset].decode()
        return os.pread(self._data.fileno(), end - start, start).decode()

    def _end(self, index: int) -> int:
        recent = index - (self._count - len(self._recent_ends))
        if recent >= 0:
            return self._recent_ends[recent]
        (end,) = _OFFSET.unpack(os.pread(self._ends.fileno(), _OFFSET.size, index * _OFFSET.size))
        return int(end)

    def close(self) -> None:
        self._data.close()
        self._ends.close()
        self._source.close()
