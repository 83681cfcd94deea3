"""Reading XLSX workbooks of any size from any producer: shared strings kept on disk (the
same texts openpyxl reads, looked up by position, without the table in memory), and sheets
read to their last cell whatever size they state."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
from openpyxl.reader.strings import read_string_table  # type: ignore[import-untyped]

from services.imports import store, xlsx_strings
from services.imports.errors import FileProblem
from services.imports.xlsx_rows import XlsxRows, _texts, cell_text
from services.imports.xlsx_strings import SharedStrings
from tests.conftest import RunWorker
from tests.factories import create_session
from tests.services.imports.support import commit, contacts_of, upload_bytes
from tests.xlsx_books import write_shared_strings_book

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

ENTRIES = [
    "<si><t>Kigali</t></si>",
    '<si><t xml:space="preserve">  two spaces around  </t></si>',
    '<si><r><t>Bold</t></r><r><rPr><b/></rPr><t xml:space="preserve"> and plain</t></r></si>',
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>',
    "<si><t/></si>",
    "<si><t>snake_x005F_case and 🎉</t></si>",
    "<si><t>a &amp; b &lt;c&gt;</t></si>",
]
TEXTS = [
    "Kigali",
    "  two spaces around  ",
    "Bold and plain",
    "東京",
    "",
    "snake_case and 🎉",
    "a & b <c>",
]


def table(entries: list[str]) -> bytes:
    return f'<sst xmlns="{MAIN}" count="{len(entries)}">{"".join(entries)}</sst>'.encode()


def test_each_entry_reads_as_openpyxl_reads_it() -> None:
    strings = SharedStrings(io.BytesIO(table(ENTRIES)))
    try:
        texts = [strings[i] for i in range(len(strings))]
    finally:
        strings.close()

    assert texts == TEXTS
    assert texts == read_string_table(io.BytesIO(table(ENTRIES)))


def test_a_position_outside_the_table_is_an_index_error() -> None:
    strings = SharedStrings(io.BytesIO(table(ENTRIES[:2])))
    empty = SharedStrings(io.BytesIO(table([])))
    try:
        for position in (-1, 2):
            with pytest.raises(IndexError):
                strings[position]
        assert len(empty) == 0
        with pytest.raises(IndexError):
            empty[0]
    finally:
        strings.close()
        empty.close()


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_entries_read_a_block_at_a_time_are_all_found(
    monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    monkeypatch.setattr(xlsx_strings, "_BLOCK", 2)
    strings = SharedStrings(io.BytesIO(table(ENTRIES)))
    positions = list(range(len(TEXTS)))
    if order == "backward":
        positions.reverse()
    try:
        assert [strings[i] for i in positions] == [TEXTS[i] for i in positions]
        assert len(strings) == len(TEXTS)
    finally:
        strings.close()


class CountingSource(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        block = super().read(size)
        self.taken += len(block)
        return block


def test_a_lookup_reads_the_table_only_as_far_as_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_strings, "_BLOCK", 100)
    monkeypatch.setattr(xlsx_strings, "_FEED", 1024)
    data = table([f"<si><t>entry {i}</t></si>" for i in range(20_000)])
    source = CountingSource(data)
    strings = SharedStrings(source)
    try:
        assert strings[3] == "entry 3"
        assert source.taken < len(data) / 10
        assert strings[19_999] == "entry 19999"
        assert source.taken == len(data)
    finally:
        strings.close()


def test_the_table_stays_on_disk_but_for_the_block_read_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsx_strings, "_BLOCK", 1000)
    monkeypatch.setattr(xlsx_strings, "_FEED", 4096)
    entries = [f"<si><t>person{i}@example.com, a distinct text</t></si>" for i in range(20_000)]
    as_a_list = read_string_table(io.BytesIO(table(entries)))
    strings = SharedStrings(io.BytesIO(table(entries)))
    tracemalloc.start()
    try:
        assert strings[19_999] == as_a_list[19_999]  # every entry read
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        # The list openpyxl builds holds about 1.5 MB of these strings; a block about 50 kB.
        assert sum(len(text) for text in as_a_list) > 700_000
        assert held < 150_000
        assert [strings[i] for i in (0, 7_777, 19_998)] == [
            as_a_list[i] for i in (0, 7_777, 19_998)
        ]
    finally:
        strings.close()


def test_a_table_broken_past_the_header_fails_at_the_row_that_needs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_strings, "_BLOCK", 1)
    path = tmp_path / "broken.xlsx"
    write_shared_strings_book(path, [["name"], *([f"Person {i}"] for i in range(8))])
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    strings = parts["xl/sharedStrings.xml"]
    parts["xl/sharedStrings.xml"] = strings[: strings.index(b"Person 5")]
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)

    source = XlsxRows(path)
    read: list[list[str]] = []
    try:
        with pytest.raises(FileProblem) as failed:
            for _, cells in source.records():
                read.append(cells)
    finally:
        source.close()

    assert read[:4] == [["name"], ["Person 0"], ["Person 1"], ["Person 2"]]
    assert failed.value.message == (
        f"Row {len(read) + 1} of the XLSX workbook cannot be read (ParseError)."
    )


def test_a_workbook_saved_with_shared_strings_reads_as_openpyxl_reads_it(tmp_path: Path) -> None:
    rows: list[list[str | int | float]] = [
        ["name", "phone", "Field:Age", "Field:City"],
        ["Ann", "0788123456", 42, "Kigali"],
        ["Bob", "+250788000002", 7.5, "Kigali"],
        ["", "0788000003", 18, "Huye & Rubavu"],
    ]
    path = tmp_path / "saved.xlsx"
    write_shared_strings_book(path, rows)

    source = XlsxRows(path)
    try:
        records = [cells for _, cells in source.records()]
    finally:
        source.close()
    book = openpyxl.load_workbook(path, read_only=True)
    expected = [["" if v is None else str(v) for v in row] for row in book.active.values]
    book.close()

    assert records == [
        ["name", "phone", "Field:Age", "Field:City"],
        ["Ann", "0788123456", "42", "Kigali"],
        ["Bob", "+250788000002", "7.5", "Kigali"],
        ["", "0788000003", "18", "Huye & Rubavu"],
    ]
    assert records == expected


@pytest.mark.parametrize("dimension", ["A1", "A1:B2"])
def test_a_sheet_stating_too_small_a_size_is_read_to_its_last_row_and_column(
    tmp_path: Path, dimension: str
) -> None:
    path = tmp_path / "streamed.xlsx"
    rows: list[list[str | int | float]] = [
        ["name", "phone", "email"],
        ["Ann", "0788123456", "ann@example.com"],
        ["Bob", "0788000002", "bob@example.com"],
    ]
    write_shared_strings_book(path, rows, dimension=dimension)

    source = XlsxRows(path)
    try:
        records = [cells for _, cells in source.records()]
        assert source.progress() == (3, 3)
    finally:
        source.close()

    assert records == rows


def test_the_size_a_sheet_states_is_its_progress_total(tmp_path: Path) -> None:
    path = tmp_path / "sized.xlsx"
    write_shared_strings_book(path, [["name"], ["Ann"], ["Bob"]], dimension="A1:A3")
    unsized = tmp_path / "unsized.xlsx"
    write_shared_strings_book(unsized, [["name"], ["Ann"], ["Bob"], ["Cy"]])

    for file, total in ((path, 3), (unsized, 4)):
        source = XlsxRows(file)
        try:
            assert source.progress() == (0, total)
        finally:
            source.close()


async def test_a_workbook_saved_with_shared_strings_imports(run_worker: RunWorker) -> None:
    session = await create_session()
    data = io.BytesIO()
    write_shared_strings_book(
        data,
        [
            ["name", "phone", "email"],
            ["Ann Uwase", "0788123456", "ANN@example.com"],
            ["Bob", "+250788000002", "bob@example.com"],
        ],
    )

    started = await upload_bytes(session, data.getvalue(), "saved.xlsx")
    await run_worker()
    record = await store.get_import_by_id(started.record.id)
    assert (record.counts.create_rows, record.counts.error_rows) == (2, 0)
    await commit(session, run_worker, record)

    found = await contacts_of(session)
    assert [(c["name"], c["urns"]) for c in found] == [
        ("Ann Uwase", ["tel:+250788123456", "mailto:ann@example.com"]),
        ("Bob", ["tel:+250788000002", "mailto:bob@example.com"]),
    ]


def test_rows_and_cells_the_sheet_leaves_out_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["D1"] = "name", "phone", "Field:Born"
    sheet["A2"], sheet["D2"] = "Ann", datetime(1990, 1, 27)
    sheet["B4"], sheet["C4"] = 788123456, True  # row 3 left out, A4 empty
    sheet["A6"] = 7.25
    sheet.row_dimensions[6].height = 30  # a row with attributes of its own
    path = tmp_path / "gaps.xlsx"
    book.save(path)

    source = XlsxRows(path)
    try:
        records = list(source.records())
    finally:
        source.close()
    reference = openpyxl.load_workbook(path, read_only=True)
    expected = [_texts(row) for row in reference.active.iter_rows(values_only=True)]
    reference.close()

    assert records == [
        (1, ["name", "phone", "", "Field:Born"]),
        (2, ["Ann", "", "", "1990-01-27"]),
        (3, []),
        (4, ["", "788123456", "true"]),
        (5, []),
        (6, ["7.25"]),
    ]
    assert [cells for _, cells in records] == expected


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (42.0, "42"),
        (250788383383.0, "250788383383"),
        (0.1, "0.1"),
        (-3.25, "-3.25"),
        (1e20, "100000000000000000000"),
        (1.5e-7, "0.00000015"),
        (12345678901234567890.0, "12345678901234567000"),
    ],
)
def test_number_cells_read_as_the_number_written_out(number: float, text: str) -> None:
    """As the spreadsheet shows a number: never in scientific notation, which the number and
    phone rules refuse as typing nobody did."""
    assert cell_text(number) == text
