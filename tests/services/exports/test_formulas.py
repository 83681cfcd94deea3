"""Exports against CSV injection: a CSV cell that would run as a formula is quoted, plain
numbers and phone numbers are not, the file imports back unchanged, and XLSX holds text."""

from __future__ import annotations

import zipfile
from pathlib import Path

from models.enums import FieldType
from services.imports.records import FileFormat
from services.imports.storage import absolute_path
from tests.conftest import RunWorker
from tests.factories import Session, create_contact, create_session
from tests.services.exports.test_export import _records, export, read_csv
from tests.services.imports.support import add_field, commit, validate

HYPERLINK = '=HYPERLINK("http://x","y")'
CALC = "+cmd|' /C calc'!A0"


async def risky(session: Session) -> None:
    await add_field(session, "Score", FieldType.NUMBER)
    await add_field(session, "Motto")
    await create_contact(
        session,
        HYPERLINK,
        urns=["tel:+250788383383"],
        company=CALC,
        job_title="-2+3",
        notes="@SUM(A1:A2)",
        fields={"score": "-5", "motto": "'=x"},
    )
    await create_contact(session, "Ann", fields={"score": "2.5", "motto": "-- a --"})


def columns(rows: list[list[str]], *names: str) -> list[list[str]]:
    header = rows[0]
    return [[row[header.index(name)] for name in names] for row in rows[1:]]


async def test_csv_export_quotes_cells_that_would_run_as_formulas(run_worker: RunWorker) -> None:
    session = await create_session()
    await risky(session)

    record = await export(session, run_worker)

    rows = read_csv(absolute_path(record.file_path))
    names = ("name", "URN:tel", "company", "job_title", "notes", "Field:score", "Field:motto")
    assert columns(rows, *names) == [
        ["'" + HYPERLINK, "+250788383383", "'" + CALC, "'-2+3", "'@SUM(A1:A2)", "-5", "''=x"],
        ["Ann", "", "", "", "", "2.5", "'-- a --"],
    ]


async def test_a_quoted_csv_export_imports_back_unchanged(run_worker: RunWorker) -> None:
    session = await create_session()
    await risky(session)
    before = await _records(session)
    record = await export(session, run_worker)

    imported = await validate(session, run_worker, absolute_path(record.file_path).read_text())
    done = await commit(session, run_worker, imported)

    assert (done.counts.update_rows, done.counts.error_rows, done.counts.unchanged) == (2, 0, 2)
    assert await _records(session) == before


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        return "".join(archive.read(n).decode() for n in names)


async def test_xlsx_export_writes_a_formula_as_a_text_cell(run_worker: RunWorker) -> None:
    session = await create_session()
    await risky(session)

    record = await export(session, run_worker, file_format=FileFormat.XLSX)

    xml = sheet_xml(absolute_path(record.file_path))
    assert "<f>" not in xml
    assert "<f " not in xml
    assert f'<c t="inlineStr"><is><t xml:space="preserve">{HYPERLINK}</t></is></c>' in xml
