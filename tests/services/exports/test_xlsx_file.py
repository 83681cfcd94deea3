"""The streaming XLSX writer: sheet sizes stated up front that are never too small, whatever
number of rows actually comes, and rows that read back in order across sheets."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl  # type: ignore[import-untyped]
import pytest

from services.exports.xlsx_file import XlsxWriter, text_cell

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _write(path: Path, batches: list[int], *, expected: int, max_rows: int) -> None:
    writer = XlsxWriter(
        path, ["name", "note"], title="Contacts", max_rows=max_rows, expected_rows=expected
    )
    n = 0
    for size in batches:
        rows = []
        for _ in range(size):
            rows.append(text_cell(f"P{n}") + text_cell("x"))
            n += 1
        writer.write_rows(rows)
    writer.close()


def _sizes(path: Path) -> list[tuple[str, int]]:
    """Each sheet's stated size and the rows it holds, header included."""
    with zipfile.ZipFile(path) as package:
        sheets = sorted(n for n in package.namelist() if n.startswith("xl/worksheets/"))
        found = []
        for name in sheets:
            root = ElementTree.fromstring(package.read(name))
            size = root.find(f"{MAIN}dimension")
            assert size is not None
            found.append((size.get("ref") or "", len(list(root.iter(f"{MAIN}row")))))
    return found


def _names(path: Path) -> list[list[str]]:
    """The first column of each sheet, read by openpyxl's streaming reader (which trusts the
    stated sizes)."""
    book = openpyxl.load_workbook(path, read_only=True)
    return [[row[0] for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


@pytest.mark.parametrize(
    ("batches", "expected", "sizes"),
    [
        # As expected: sheets of the limit, the last one of what is left.
        ([3, 3], 6, [("A1:B4", 4), ("A1:B4", 4)]),
        ([5, 1], 6, [("A1:B4", 4), ("A1:B4", 4)]),
        # Fewer rows than expected: the last stated size is larger than its rows.
        ([2], 6, [("A1:B4", 3)]),
        # More rows than expected: a sheet ends at its size, the rest go on another.
        ([2, 3], 2, [("A1:B3", 3), ("A1:B4", 4)]),
        ([4], 0, [("A1:B1", 1), ("A1:B4", 4), ("A1:B2", 2)]),
    ],
)
def test_stated_sizes_are_never_smaller_than_the_rows(
    tmp_path: Path, batches: list[int], expected: int, sizes: list[tuple[str, int]]
) -> None:
    path = tmp_path / "out.xlsx"
    _write(path, batches, expected=expected, max_rows=4)

    assert _sizes(path) == sizes
    total = sum(batches)
    names = [name for sheet in _names(path) for name in sheet if name != "name"]
    assert names == [f"P{n}" for n in range(total)]


def test_an_empty_export_is_one_sheet_with_its_header(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    _write(path, [], expected=0, max_rows=4)
    assert _sizes(path) == [("A1:B1", 1)]
    assert _names(path) == [["name"]]
