"""A NUL character in an imported file. No value PostgreSQL stores may hold one, so:
- CSV: a NUL in the first 64 KiB (the part read to recognize the file) makes it binary data,
  refused at the upload; past it, the row holding one is a BINARY_DATA row error and none of its
  values is kept, while the other rows are imported.
- XLSX: XML cannot hold a NUL at all (a spreadsheet program writes `_x0000_`, read as that text),
  so a workbook holding one is damaged: refused at the upload when the first rows show it, else
  the check fails naming the row. Nothing is imported either way."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.sql import sql
from services.imports import store
from services.imports.errors import NotASpreadsheet
from services.imports.records import ImportStatus
from tests.conftest import RunWorker
from tests.factories import create_session
from tests.services.imports.support import (
    commit,
    contacts_of,
    error_codes,
    upload_bytes,
    validate,
)
from tests.xlsx_books import write_shared_strings_book


def book(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    write_shared_strings_book(out, rows)
    return out.getvalue()


def with_inline_cell(data: bytes, marker: str, text: str) -> bytes:
    """The book with the shared-string cell of `marker` written inline as `text`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    strings = source.read("xl/sharedStrings.xml").decode()
    parts = strings.split("<si>")[1:]
    index = next(i for i, part in enumerate(parts) if f">{marker}<" in part)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    f'<c t="s"><v>{index}</v></c>'.encode(),
                    f'<c t="inlineStr"><is><t>{text}</t></is></c>'.encode(),
                )
            target.writestr(name, content)
    return out.getvalue()


async def contacts_holding_a_nul() -> int:
    count: int = await sql().fetchval(
        "SELECT count(*) FROM contact WHERE strpos(fields::text || coalesce(name, '') "
        "|| coalesce(notes, ''), '\\u0000') > 0"
    )
    return count


async def test_a_csv_row_holding_a_nul_is_an_error_and_the_others_are_committed(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    filler = "".join(f"Person {i},\n" for i in range(6000))  # past the first 64 KiB
    text = f"name,notes\n{filler}A\x00nn,Kigali\nBen,Hu\x00ye\nCleo,Musanze\n"

    record = await validate(session, run_worker, text)
    assert record.status is ImportStatus.PREVIEWED
    assert await error_codes(record) == [(6002, "binary_data"), (6003, "binary_data")]
    record = await commit(session, run_worker, record)

    assert record.status is ImportStatus.COMMITTED, record.failure
    people = await contacts_of(session)
    assert len(people) == 6001
    assert [p["name"] for p in people[-1:]] == ["Cleo"]
    assert await contacts_holding_a_nul() == 0


@pytest.mark.parametrize("data", [b"\x00" * 5000, b"name,notes\nAnn,Ki\x00gali\n"])
async def test_a_csv_with_a_nul_in_its_first_part_is_refused_as_binary(data: bytes) -> None:
    session = await create_session()
    with pytest.raises(NotASpreadsheet, match="The file is binary data, not a spreadsheet"):
        await upload_bytes(session, data, "people.csv")


async def test_an_xlsx_whose_first_rows_hold_a_nul_is_refused_as_damaged() -> None:
    session = await create_session()
    data = book([["name", "notes"], ["Ann", "Ki\x00gali"]])
    with pytest.raises(NotASpreadsheet, match="Row 1 of the XLSX workbook cannot be read"):
        await upload_bytes(session, data, "people.xlsx")


async def test_an_xlsx_holding_a_nul_further_down_fails_its_check_naming_the_row(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    many = [[f"Person {i}", f"note {i}"] for i in range(5000)]
    data = with_inline_cell(book([["name", "notes"], *many, ["Ann", "X"]]), "X", "Ki\x00gali")

    started = await upload_bytes(session, data, "people.xlsx")
    await run_worker()

    record = await store.get_import_by_id(started.record.id)
    assert record.status is ImportStatus.FAILED
    assert record.failure == "Row 5002 of the XLSX workbook cannot be read (ParseError)."
    assert await contacts_of(session) == []


async def test_an_xlsx_cell_escaping_a_nul_is_read_as_its_text(run_worker: RunWorker) -> None:
    """`_x0000_` is how a spreadsheet program writes a NUL; we read the escape as it is."""
    session = await create_session()
    started = await upload_bytes(
        session, book([["name", "notes"], ["Ann", "Ki_x0000_gali"]]), "people.xlsx"
    )
    await run_worker()
    record = await commit(session, run_worker, await store.get_import_by_id(started.record.id))

    assert record.status is ImportStatus.COMMITTED, record.failure
    assert [p["notes"] for p in await contacts_of(session)] == ["Ki_x0000_gali"]
