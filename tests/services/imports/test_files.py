"""Reading files: CSV dialects and encodings, XLSX, and uploads that are not spreadsheets."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from core.sql import sql
from services.errors import InvalidInput
from services.imports import store
from services.imports.csv_rows import sniff_delimiter
from services.imports.errors import NotASpreadsheet
from services.imports.xlsx_rows import XlsxRows
from tests.conftest import RunWorker
from tests.factories import create_session, workspace_snapshot
from tests.services.imports.support import (
    commit,
    contacts_of,
    problems,
    upload,
    upload_bytes,
    validate,
)


def stored_uploads(root: Path) -> list[Path]:
    return list(root.rglob("*.upload"))


def xlsx(*sheets: Sequence[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    for sheet_rows in sheets:
        sheet = book.create_sheet()
        for row in sheet_rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("head", "delimiter"),
    [
        ("name,phone\nBob,1\n", ","),
        ("name;phone;email\nBob;1;b@x.com\n", ";"),
        ("name\tphone\nBob\t1\n", "\t"),
        ('name,notes\n"Bob","a; b; c"\n', ","),
        ("name\nBob\n", ","),
    ],
)
def test_the_delimiter_is_sniffed_among_comma_semicolon_and_tab(head: str, delimiter: str) -> None:
    assert sniff_delimiter(head) == delimiter


async def test_utf8_with_bom_and_semicolons_and_quoted_newlines(run_worker: RunWorker) -> None:
    session = await create_session()
    text = '\ufeffname;phone;notes\n"Zoë";0788383383;"line one\nline two"\nÅsa;0788383384;\n'

    record = await validate(session, run_worker, text)
    await commit(session, run_worker, record)

    people = await contacts_of(session)
    assert [(p["name"], p["notes"]) for p in people] == [
        ("Zoë", "line one\nline two"),
        ("Åsa", None),
    ]


async def test_xlsx_first_sheet_with_numbers_dates_and_continuation_sheets(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    header = ["name", "phone", "notes"]
    data = xlsx(
        [
            header,
            ["Bob", 250788383383, datetime(2020, 1, 27)],
            [None, None, None],
            ["Cleo", "0788383384", 1.5],
        ],
        [header, ["Dee", "0788383385", None]],
        [["other"], ["ignored"]],
    )
    started = await upload_bytes(session, data, "people.xlsx")
    await run_worker()
    record = await store.get_import_by_id(started.record.id)
    await commit(session, run_worker, record)

    assert (record.file_format.value, record.counts.total_rows, record.counts.blank_rows) == (
        "xlsx",
        3,
        1,
    )
    people = await contacts_of(session)
    assert [(p["name"], p["urns"], p["notes"]) for p in people] == [
        ("Bob", ["tel:+250788383383"], "2020-01-27"),
        ("Cleo", ["tel:+250788383384"], "1.5"),
        ("Dee", ["tel:+250788383385"], None),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (
            b"%PDF-1.7\n...",
            "The file is a PDF document, not a spreadsheet: upload a CSV (UTF-8) or XLSX file.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "The file is a PNG image, not a spreadsheet: upload a CSV (UTF-8) or XLSX file.",
        ),
        (
            b"\x00\x01\x02binary",
            "The file is binary data, not a spreadsheet: upload a CSV (UTF-8) or XLSX file.",
        ),
        (
            "name\nJosé\n".encode("latin-1"),
            "The file is not UTF-8 text (byte 9 cannot be read): save it as CSV UTF-8 "
            "and upload it again.",
        ),
        (
            "name\nBob\n".encode("utf-16"),
            "The file is UTF-16 text: save it as CSV UTF-8 and upload it again.",
        ),
    ],
)
async def test_a_file_that_is_not_a_spreadsheet_is_refused_and_nothing_is_kept(
    data: bytes, message: str, files_root: Path
) -> None:
    session = await create_session()
    before = await workspace_snapshot(session.workspace)

    with pytest.raises(NotASpreadsheet) as refused:
        await upload_bytes(session, data, "contacts.csv")

    assert (refused.value.message, refused.value.field) == (message, "file")
    assert await workspace_snapshot(session.workspace) == before
    imports = "SELECT count(*) FROM contact_import WHERE workspace_id = $1"
    assert await sql().fetchval(imports, session.workspace.id) == 0
    assert stored_uploads(files_root) == []


async def test_a_zip_that_is_not_a_workbook_is_refused(files_root: Path) -> None:
    session = await create_session()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<doc/>")

    with pytest.raises(NotASpreadsheet) as refused:
        await upload_bytes(session, out.getvalue(), "report.docx")

    assert refused.value.message == (
        "The file is a ZIP archive but not an XLSX workbook: upload a CSV (UTF-8) or XLSX file."
    )
    assert stored_uploads(files_root) == []


async def test_text_whose_columns_match_nothing_is_refused(files_root: Path) -> None:
    session = await create_session()

    with pytest.raises(InvalidInput) as refused:
        await upload(session, "Dear team,\nplease find attached\n")

    assert refused.value.message == (
        "No column of the file matches a contact attribute, address or field (columns: Dear "
        "team, Column 2). Name the columns as in the template (name, phone, email, ...), or "
        "pass a mapping."
    )
    assert stored_uploads(files_root) == []


async def test_bad_utf8_after_the_first_block_fails_the_import_with_the_row(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    good = "".join(f"P{i},07880{i:05d}\n" for i in range(1, 5000)).encode()
    data = b"name,phone\n" + good + "Jos\xe9,0788999999\n".encode("latin-1")

    started = await upload_bytes(session, data, "big.csv")
    await run_worker()

    record = await store.get_import_by_id(started.record.id)
    assert (record.status.value, record.failure) == (
        "failed",
        "Row 5001 contains text that is not UTF-8: save the file as CSV UTF-8 and upload it again.",
    )
    assert await problems(record) == []
    assert (
        await sql().fetchval("SELECT count(*) FROM import_row WHERE import_id = $1", record.id) == 0
    )


def test_an_xlsx_sheet_without_a_stated_size_still_has_a_progress_total(tmp_path: Path) -> None:
    rows = [["name", "phone"], *([f"P{i}", f"0788{i:06d}"] for i in range(2500))]
    path = tmp_path / "people.xlsx"
    # openpyxl's streaming writer states no size, as others do.
    path.write_bytes(xlsx(rows, [rows[0], ["Q", "1"]]))
    assert b"<dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")

    source = XlsxRows(path)
    try:
        assert source.progress() == (0, 2503)
        records = list(source.records())
        assert source.progress() == (2503, 2503)
    finally:
        source.close()
    assert [cells for _, cells in records[-2:]] == [["P2499", "0788002499"], ["Q", "1"]]
