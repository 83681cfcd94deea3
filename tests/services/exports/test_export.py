"""Exports: columns, selections, anonymous workspaces, XLSX sheets, and the round trip."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree

import openpyxl  # type: ignore[import-untyped]
import pytest

from core.sql import sql
from models.enums import ContactStatus, FieldType, Permission, Role
from services.contacts.filters import ContactFilter
from services.contacts.records import CONTACT_COLUMNS, ContactRecord
from services.contacts.selection import ContactSelection
from services.errors import InvalidInput, NotFound, PermissionDenied
from services.exports import writers
from services.exports.reading import ContactReader
from services.exports.records import ExportRecord
from services.exports.starting import get_export_by_id, start_export
from services.imports import store
from services.imports.formulas import unquoted
from services.imports.records import FileFormat
from services.imports.storage import absolute_path
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    create_contact,
    create_group,
    create_session,
    create_workspace,
    event_rows,
)
from tests.services.imports.support import add_field, commit, upload_bytes, validate

EVERYONE = ContactSelection(filter=ContactFilter())


async def export(
    session: Session,
    run_worker: RunWorker,
    selection: ContactSelection = EVERYONE,
    file_format: FileFormat = FileFormat.CSV,
    *,
    chunk_size: int = 2,
    group_names: Sequence[str] = (),
) -> ExportRecord:
    started = await start_export(session.caller, selection, file_format, group_names=group_names)
    await run_worker(job_chunk_size=chunk_size)
    return await get_export_by_id(started.record.id)


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


async def people(session: Session) -> None:
    await add_field(session, "Age", FieldType.NUMBER)
    await add_field(session, "Born", FieldType.DATETIME)
    await create_contact(
        session,
        "Ann",
        urns=["tel:+250788000001", "tel:+250788000002", "mailto:ann@x.com"],
        flags=["VIP", "donor"],
        company="Acme",
        language="eng",
        fields={"age": "42", "born": "27-01-1990"},
    )
    await create_contact(session, "Bob", urns=["tel:+250788000003"], notes="line one\nline two")
    await create_contact(session, None, urns=["whatsapp:250788000004"])


async def test_csv_export_has_every_column_named_for_import(run_worker: RunWorker) -> None:
    session = await create_session()
    await people(session)
    bob_id = await sql().fetchval(
        "SELECT id FROM contact WHERE name = 'Bob' AND workspace_id = $1", session.workspace.id
    )
    newsletter = await create_group(session.workspace, "Newsletter")
    await sql().execute(
        "INSERT INTO group_contact (workspace_id, group_id, contact_id) VALUES ($1, $2, $3)",
        session.workspace.id,
        newsletter,
        bob_id,
    )

    record = await export(session, run_worker, group_names=["newsletter"])

    rows = read_csv(absolute_path(record.file_path))
    assert rows[0] == [
        "uuid", "name", "status", "language", "URN:tel", "URN:tel", "URN:mailto",
        "URN:whatsapp", "company", "job_title", "country", "state", "notes", "flags",
        "Field:age", "Field:born", "created_on", "last_seen_on", "Group:Newsletter",
    ]  # fmt: skip
    assert [[r[1], *r[2:16], r[17], r[18]] for r in rows[1:]] == [
        ["Ann", "active", "eng", "+250788000001", "+250788000002", "ann@x.com", "", "Acme",
         "", "", "", "", "donor, VIP", "42", "27-01-1990", "", ""],
        ["Bob", "active", "", "+250788000003", "", "", "", "", "", "", "", "line one\nline two",
         "", "", "", "", "yes"],
        ["", "active", "", "", "", "", "250788000004", "", "", "", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    assert record.row_count == 3
    job = await sql().fetchrow(
        "SELECT status, progress_done, progress_total, changed_count FROM job WHERE id = $1",
        record.job_id,
    )
    assert job is not None
    assert tuple(job) == ("succeeded", 3, 3, 3)


async def test_the_selection_is_the_bulk_one_and_streams_in_keyset_batches(
    run_worker: RunWorker,
) -> None:
    session = await create_session()
    names = [f"P{i}" for i in range(7)]
    for name in names:
        await create_contact(session, name, flags=["odd"] if int(name[1:]) % 2 else [])
    flag_id = await sql().fetchval(
        "SELECT id FROM flag WHERE workspace_id = $1", session.workspace.id
    )

    flagged = await export(
        session, run_worker, ContactSelection(filter=ContactFilter(any_flag_ids=[flag_id]))
    )

    assert [r[1] for r in read_csv(absolute_path(flagged.file_path))[1:]] == ["P1", "P3", "P5"]


async def test_anonymous_workspaces_export_no_addresses(run_worker: RunWorker) -> None:
    workspace = await create_workspace()
    workspace.anonymous = True
    await workspace.save()
    session = await create_session(workspace)
    await create_contact(session, "Ann", urns=["tel:+250788000001"])

    record = await export(session, run_worker)

    rows = read_csv(absolute_path(record.file_path))
    assert not any(h.startswith("URN:") for h in rows[0])
    assert "+250788000001" not in absolute_path(record.file_path).read_text()


async def test_an_exported_file_imports_back_without_any_change(run_worker: RunWorker) -> None:
    session = await create_session()
    await people(session)
    before = {c.id: len(await event_rows(c)) for c in await _records(session)}
    record = await export(session, run_worker)
    data = absolute_path(record.file_path).read_bytes()

    imported = await validate(session, run_worker, data.decode())
    done = await commit(session, run_worker, imported)

    assert done.unmatched_headers == []
    assert (done.counts.update_rows, done.counts.create_rows, done.counts.error_rows) == (3, 0, 0)
    assert (done.counts.created, done.counts.updated, done.counts.unchanged) == (0, 0, 3)
    after = {c.id: len(await event_rows(c)) for c in await _records(session)}
    assert after == before


async def test_values_near_the_clear_mark_survive_the_round_trip(run_worker: RunWorker) -> None:
    session = await create_session()
    await add_field(session, "Nick")
    await create_contact(
        session, "-- Ann --", flags=["Gold", "Silver"], company="- -", fields={"nick": "---"}
    )
    before = await _records(session)
    record = await export(session, run_worker)

    imported = await validate(session, run_worker, absolute_path(record.file_path).read_text())
    done = await commit(session, run_worker, imported)

    assert (done.counts.update_rows, done.counts.error_rows, done.counts.unchanged) == (1, 0, 1)
    assert await _records(session) == before


async def _records(session: Session) -> list[ContactRecord]:
    rows = await sql().fetch(
        f"SELECT {CONTACT_COLUMNS} FROM contact c WHERE c.workspace_id = $1 ORDER BY c.id",
        session.workspace.id,
    )
    return [ContactRecord.from_row(r) for r in rows]


async def test_xlsx_continues_on_further_sheets_and_imports_back(
    run_worker: RunWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = await create_session()
    for i in range(5):
        await create_contact(session, f"P{i}", urns=[f"tel:+25078800000{i}"])
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 3)

    record = await export(session, run_worker, file_format=FileFormat.XLSX)

    data = absolute_path(record.file_path).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheets = [[row[1] for row in ws.iter_rows(values_only=True)] for ws in book.worksheets]
    assert book.sheetnames == ["Contacts", "Contacts 2", "Contacts 3"]
    assert sheets == [["name", "P0", "P1"], ["name", "P2", "P3"], ["name", "P4"]]
    started = await upload_bytes(session, data, "contacts.xlsx")
    await run_worker()
    again = await store.get_import_by_id(started.record.id)
    assert (again.counts.total_rows, again.counts.update_rows) == (5, 5)


async def _export_both(session: Session, run_worker: RunWorker) -> tuple[Path, Path]:
    as_csv = await export(session, run_worker)
    as_xlsx = await export(session, run_worker, file_format=FileFormat.XLSX)
    return absolute_path(as_csv.file_path), absolute_path(as_xlsx.file_path)


def _sheet_rows(path: Path) -> list[list[str]]:
    """Every row of every sheet, read by openpyxl's full (not streaming) reader."""
    book = openpyxl.load_workbook(path)
    return [
        ["" if value is None else str(value) for value in row]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


async def test_xlsx_cells_hold_the_same_text_as_csv(run_worker: RunWorker) -> None:
    session = await create_session()
    await add_field(session, "Motto")
    await people(session)
    await create_contact(
        session,
        'Zoë "Z" <b>Ndayisaba</b> & Co',
        urns=["mailto:zoe@example.com"],
        company="  Acme & Sons  ",
        notes="  <script>alert(1)</script>\n\ttabbed\r\nüñíçødé 🎉  ",
        fields={"motto": "=1+1 ; 'quoted' \"double\""},
    )

    csv_path, xlsx_path = await _export_both(session, run_worker)

    # CSV quotes the motto against formulas; the text read back is XLSX's (test_formulas.py).
    as_csv = read_csv(csv_path)
    assert as_csv[-1][as_csv[0].index("Field:motto")].startswith("'=1+1")
    assert _sheet_rows(xlsx_path) == [[unquoted(cell) for cell in row] for row in as_csv]


async def test_xlsx_leaves_out_control_characters_xml_cannot_hold(run_worker: RunWorker) -> None:
    session = await create_session()
    await create_contact(session, "Ann\x01 Lee", notes="bell\x07 and\x1f unit\x0b")

    csv_path, xlsx_path = await _export_both(session, run_worker)

    assert read_csv(csv_path)[1][1] == "Ann\x01 Lee"
    rows = _sheet_rows(xlsx_path)
    notes = rows[0].index("notes")
    assert (rows[1][1], rows[1][notes]) == ("Ann Lee", "bell and unit")


async def test_an_xlsx_export_is_a_complete_package(
    run_worker: RunWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = await create_session()
    for i in range(3):
        await create_contact(session, f"P{i}")
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 3)

    record = await export(session, run_worker, file_format=FileFormat.XLSX)

    with zipfile.ZipFile(absolute_path(record.file_path)) as package:
        assert package.testzip() is None
        parts = {name: ElementTree.fromstring(package.read(name)) for name in package.namelist()}
    assert sorted(parts) == [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    ]
    overrides = {o.get("PartName") for o in parts["[Content_Types].xml"]}
    assert {"/xl/worksheets/sheet1.xml", "/xl/worksheets/sheet2.xml"} <= overrides
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    sheets = [parts[f"xl/worksheets/sheet{n}.xml"] for n in (1, 2)]
    assert [[r.get("r") for r in sheet.iter(f"{main}row")] for sheet in sheets] == [
        ["1", "2", "3"],
        ["1", "2"],
    ]
    sizes = [sheet.find(f"{main}dimension") for sheet in sheets]
    assert [size.get("ref") for size in sizes if size is not None] == ["A1:L3", "A1:L2"]


@pytest.mark.parametrize("file_format", [FileFormat.CSV, FileFormat.XLSX])
async def test_an_export_shows_the_selection_as_it_was_when_it_began(
    run_worker: RunWorker, monkeypatch: pytest.MonkeyPatch, file_format: FileFormat
) -> None:
    session = await create_session()
    for i in range(4):
        status = ContactStatus.ARCHIVED if i == 1 else ContactStatus.ACTIVE
        await create_contact(session, f"P{i}", urns=[f"tel:+25078800000{i}"], status=status)
    take_ranges = ContactReader.ranges

    async def ranges_then_change(reader: ContactReader, size: int) -> list[tuple[int, int, int]]:
        taken = await take_ranges(reader, size)
        ws = session.workspace.id
        await sql().execute("UPDATE contact SET status = 'active' WHERE workspace_id = $1", ws)
        await sql().execute(
            "UPDATE contact SET name = 'Renamed' WHERE workspace_id = $1 AND name = 'P0'", ws
        )
        p0 = await sql().fetchval(
            "SELECT id FROM contact WHERE workspace_id = $1 AND name = 'Renamed'", ws
        )
        await sql().execute(
            "INSERT INTO contact_urn (workspace_id, contact_id, scheme, path, priority)"
            " VALUES ($1, $2, 'tel', '+250788000009', 1)",
            ws,
            p0,
        )
        await sql().execute("DELETE FROM contact WHERE workspace_id = $1 AND name = 'P3'", ws)
        return taken

    monkeypatch.setattr(ContactReader, "ranges", ranges_then_change)
    active = ContactSelection(filter=ContactFilter(statuses=[ContactStatus.ACTIVE]))

    record = await export(session, run_worker, active, file_format, chunk_size=2)

    path = absolute_path(record.file_path)
    rows = read_csv(path) if file_format is FileFormat.CSV else _sheet_rows(path)
    assert rows[0].count("URN:tel") == 1  # sized before the third address was added
    tel = rows[0].index("URN:tel")
    assert [(row[1], row[tel]) for row in rows[1:]] == [
        ("P0", "+250788000000"),
        ("P2", "+250788000002"),
        ("P3", "+250788000003"),
    ]
    assert record.row_count == 3
    changed = await sql().fetchval("SELECT changed_count FROM job WHERE id = $1", record.job_id)
    assert changed == 3


async def test_exporting_needs_the_export_permission(run_worker: RunWorker) -> None:
    session = await create_session()
    viewer = await create_session(session.workspace, role=Role.VIEWER)
    session.caller.member.disabled_permissions = [Permission.EXPORT.value]

    with pytest.raises(PermissionDenied):
        await start_export(session.caller, EVERYONE, FileFormat.CSV)
    with pytest.raises(PermissionDenied):
        await start_export(viewer.caller, EVERYONE, FileFormat.CSV)


async def test_an_unknown_group_column_is_refused() -> None:
    session = await create_session()

    with pytest.raises(NotFound) as refused:
        await start_export(session.caller, EVERYONE, FileFormat.CSV, group_names=["Nope"])

    assert (refused.value.message, refused.value.field) == ('No group named "Nope".', "groups")


async def test_a_contact_query_narrows_the_export(run_worker: RunWorker) -> None:
    session = await create_session()
    await create_contact(session, "Ann Smith")
    await create_contact(session, "Bob Jones")

    started = await start_export(
        session.caller, EVERYONE, FileFormat.CSV, query='name = "Ann Smith"'
    )
    await run_worker()
    record = await get_export_by_id(started.record.id)

    assert [r[1] for r in read_csv(absolute_path(record.file_path))[1:]] == ["Ann Smith"]


async def test_a_field_query_narrows_every_id_range_of_the_export(run_worker: RunWorker) -> None:
    """Ranges of two contacts each: each range's field lookups keep to its own ids."""
    session = await create_session()
    await add_field(session, "Age", FieldType.NUMBER)
    ages = {"Ann": "41", "Bob": "12", "Cy": "70", "Di": None, "Ed": "45", "Flo": "40", "Gus": "99"}
    for name, age in ages.items():
        await create_contact(session, name, fields={"age": age} if age else {})

    started = await start_export(session.caller, EVERYONE, FileFormat.CSV, query="age > 40")
    await run_worker(job_chunk_size=2)
    record = await get_export_by_id(started.record.id)

    names = [r[1] for r in read_csv(absolute_path(record.file_path))[1:]]
    assert names == ["Ann", "Cy", "Ed", "Gus"]


async def test_a_query_that_cannot_be_read_is_refused() -> None:
    session = await create_session()

    with pytest.raises(InvalidInput) as refused:
        await start_export(session.caller, EVERYONE, FileFormat.CSV, query="name = ")

    assert refused.value.field == "query"
