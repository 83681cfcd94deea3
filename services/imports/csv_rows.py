"""Reading CSV records as text cells, streaming: UTF-8 with or without BOM, `,` `;` or tab."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from services.imports.errors import FileProblem
from services.imports.formats import read_head

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


def _is_utf8(cells: list[str]) -> bool:
    text = "".join(cells)
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class CsvRows:
    """Records numbered from 1 as a spreadsheet shows them; the header, if any, is record 1."""

    def __init__(self, path: Path) -> None:
        head = read_head(path).decode("utf-8-sig", errors="ignore")
        self.delimiter = sniff_delimiter(head)
        self._raw = path.open("rb")
        self._size = path.stat().st_size
        # Undecodable bytes become surrogates, found per record below: decoding happens in
        # blocks, so a decoding error would name the wrong row.
        text = io.TextIOWrapper(
            self._raw, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
        self._reader = csv.reader(text, delimiter=self.delimiter)
        self._number = 0

    def records(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(f"Row {self._number + 1} cannot be read as CSV: {exc}.") from None
            self._number += 1
            if not _is_utf8(cells):
                raise FileProblem(
                    f"Row {self._number} contains text that is not UTF-8: save the file as "
                    "CSV UTF-8 and upload it again."
                )
            yield self._number, cells

    def progress(self) -> tuple[int, int]:
        return (min(self._raw.tell(), self._size), self._size)

    def close(self) -> None:
        self._raw.close()
