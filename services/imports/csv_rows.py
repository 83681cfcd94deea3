"""Reading CSV records as text cells, streaming: UTF-8 with or without BOM, `,` `;` or tab.

The import file limits hold before a record is built: a line is read up to the longest a row
within the limits could take, and a line with more unquoted delimiters than the columns
allowed fails before the csv module splits it (a gigabyte of commas would be a billion cells).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from services.imports.errors import FileProblem
from services.imports.formats import read_head
from services.imports.formulas import unquoted
from services.imports.limits import FileLimits, cell_too_long, file_limits, too_many_columns

DELIMITERS = (",", ";", "\t")
SNIFFED_RECORDS = 20


def sniff_delimiter(head: str) -> str:
    """The candidate that splits the first records into the same number (> 1) of cells most
    often; ties go to the earlier candidate, and a single-column file reads as comma-separated."""
    lines = head.splitlines()
    sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)  # the last line may be cut
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        widths = widths[:SNIFFED_RECORDS]
        if not widths:
            continue
        width, agreeing = Counter(widths).most_common(1)[0]
        score = agreeing if width > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _is_utf8(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class CsvRows:
    """Records numbered from 1 as a spreadsheet shows them; the header, if any, is record 1."""

    def __init__(self, path: Path, limits: FileLimits | None = None) -> None:
        self._limits = limits or file_limits()
        head = read_head(path).decode("utf-8-sig", errors="ignore")
        self.delimiter = sniff_delimiter(head)
        self._raw = path.open("rb")
        self._size = path.stat().st_size
        # Undecodable bytes become surrogates, found per record below: decoding happens in
        # blocks, so a decoding error would name the wrong row.
        self._text = io.TextIOWrapper(
            self._raw, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
        self._reader = csv.reader(self._lines(), delimiter=self.delimiter)
        self._number = 0

    def _lines(self) -> Iterator[str]:
        """The file's lines, each checked against the limits before the csv module reads it
        (a line cut at the longest fails: its columns if too many, else its length).
        `quoted`: the line starts inside a quoted cell (an odd number of quotes before it)."""
        limits = self._limits
        longest = limits.columns * (2 * limits.cell_characters + 3) + 2
        quoted = False
        while line := self._text.readline(longest + 1):
            if len(line) > limits.columns and line.count(self.delimiter) >= limits.columns:
                # Outside quotes are the even pieces between quote marks (odd ones if the
                # line starts inside a quoted cell): delimiters there separate cells.
                pieces = line.split('"')[1 if quoted else 0 :: 2]
                if sum(piece.count(self.delimiter) for piece in pieces) >= limits.columns:
                    raise too_many_columns(limits, self._number + 1)
            if len(line) > longest:
                raise cell_too_long(limits, f"Row {self._number + 1}, or one of its cells,")
            quoted ^= line.count('"') % 2 == 1
            yield line

    def records(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if str(exc).startswith("field larger than field limit"):
                    raise cell_too_long(self._limits, f"A cell of row {self._number + 1}") from None
                raise FileProblem(f"Row {self._number + 1} cannot be read as CSV: {exc}.") from None
            self._number += 1
            text = "".join(cells)
            if not _is_utf8(text):
                raise FileProblem(
                    f"Row {self._number} contains text that is not UTF-8: save the file as "
                    "CSV UTF-8 and upload it again."
                )
            # A cell quoted against formulas (`'=x`), as our exports write them, reads as typed.
            if "'" in text:
                cells = [unquoted(c) if c[:1] == "'" else c for c in cells]
            yield self._number, cells

    def progress(self) -> tuple[int, int]:
        return (min(self._raw.tell(), self._size), self._size)

    def close(self) -> None:
        self._raw.close()
