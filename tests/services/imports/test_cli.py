"""`contacts import` and `contacts export`, run as real commands in a subprocess."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from core.sql import sql
from tests.factories import create_session
from tests.services.imports.support import contacts_of

FILE = "name,phone,Colour\nBob,0788383383,red\nBad,12,blue\nCleo,0788383384,\n"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


async def cli(settings: Settings, data_dir: Path, *args: str, answer: str = "") -> Run:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
        "DATA_DIR": str(data_dir),
        "COLUMNS": "200",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "core.cli",
        *args,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate(answer.encode())
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


def kept_uploads(root: Path) -> list[Path]:
    return list(root.rglob("*.upload"))


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


async def test_import_with_yes_then_export_the_group(settings: Settings, tmp_path: Path) -> None:
    session = await create_session()
    source = write(tmp_path / "people.csv", FILE)
    workspace = str(session.workspace.uuid)
    output = tmp_path / "imported.csv"

    imported = await cli(
        settings, tmp_path, "import", str(source), "--workspace", workspace, "--group", "Imported",
        "--yes",
    )  # fmt: skip
    exported = await cli(
        settings, tmp_path, "export", "--workspace", workspace, "--group", "imported",
        "--group-column", "Imported", "-o", str(output),
    )  # fmt: skip

    assert imported.code == 0, imported.stderr
    assert imported.stdout == ""
    assert (
        "3 rows: 2 to create, 0 to update, 0 to leave as they are, 1 with errors (0 repeating "
        "earlier rows); 0 blank rows skipped." in imported.stderr
    )
    assert 'Column "Colour" is unmatched: matches no contact attribute' in imported.stderr
    assert 'row 3, phone: "12" is not a possible phone number for RW: too short' in imported.stderr
    assert (
        "Import committed: 2 created, 0 updated, 0 unchanged, 1 rows with errors."
        in imported.stderr
    )
    people = await contacts_of(session)
    assert [p["name"] for p in people] == ["Bob", "Cleo"]
    members = await sql().fetchval(
        "SELECT member_count FROM contact_group WHERE workspace_id = $1 AND name = 'Imported'",
        session.workspace.id,
    )
    assert members == 2
    assert (exported.code, exported.stdout) == (0, f"{output}\n"), exported.stderr
    assert f"Export done: 2 contacts written to {output}." in exported.stderr
    lines = output.read_text().splitlines()
    assert lines[0].split(",")[:5] == ["uuid", "name", "status", "language", "URN:tel"]
    assert lines[0].endswith(",Group:Imported")
    assert [line.split(",")[1] for line in lines[1:]] == ["Bob", "Cleo"]
    assert all(line.endswith(",yes") for line in lines[1:])


async def test_import_asks_first_and_a_no_imports_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    source = write(tmp_path / "people.csv", FILE)

    declined = await cli(
        settings,
        tmp_path,
        "import",
        str(source),
        "--workspace",
        str(session.workspace.uuid),
        answer="n\n",
    )

    assert declined.code == 1
    assert "Import 2 rows? [y/N]" in declined.stdout
    assert "Nothing imported." in declined.stderr
    assert await contacts_of(session) == []
    # Declining drops the import, as cancelImport does: no staged rows, no kept upload.
    state = await sql().fetchrow(
        "SELECT status, (SELECT count(*) FROM import_row r WHERE r.import_id = i.id) AS rows "
        "FROM contact_import i WHERE workspace_id = $1",
        session.workspace.id,
    )
    assert state is not None
    assert tuple(state) == ("cancelled", 0)
    assert kept_uploads(tmp_path) == []


async def test_an_import_that_cannot_be_confirmed_is_dropped(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    source = write(tmp_path / "people.csv", FILE)

    run = await cli(
        settings, tmp_path, "import", str(source), "--workspace", str(session.workspace.uuid),
        "--all-or-nothing", "--yes",
    )  # fmt: skip

    assert run.code == 1
    assert "Error: 1 row has errors, and this import is all-or-nothing" in run.stderr
    assert await contacts_of(session) == []
    status = await sql().fetchval(
        "SELECT status FROM contact_import WHERE workspace_id = $1", session.workspace.id
    )
    assert status == "cancelled"
    assert kept_uploads(tmp_path) == []


async def test_import_of_a_file_that_is_not_a_spreadsheet_fails_clearly(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.7 ...")

    run = await cli(
        settings, tmp_path, "import", str(source), "--workspace", str(session.workspace.uuid)
    )

    assert run.code == 1
    assert (
        "Error: The file is a PDF document, not a spreadsheet: upload a CSV (UTF-8) or XLSX file."
        in run.stderr
    )
    assert await contacts_of(session) == []


async def test_an_xlsx_export_imports_back_through_the_commands(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    workspace = str(session.workspace.uuid)
    source = write(tmp_path / "people.csv", FILE)
    first = await cli(settings, tmp_path, "import", str(source), "--workspace", workspace, "--yes")
    assert first.code == 0, first.stderr
    output = tmp_path / "people.xlsx"

    exported = await cli(
        settings, tmp_path, "export", "--workspace", workspace, "--xlsx", "-o", str(output)
    )
    again = await cli(settings, tmp_path, "import", str(output), "--workspace", workspace, "--yes")

    assert (exported.code, exported.stdout) == (0, f"{output}\n"), exported.stderr
    assert again.code == 0, again.stderr
    assert "2 rows: 0 to create, 2 to update, 0 to leave as they are, 0 with errors" in again.stderr
    # Every value came back as it went out: nothing to change.
    assert "Import committed: 0 created, 0 updated, 2 unchanged" in again.stderr
    people = await contacts_of(session)
    assert [(p["name"], p["urns"]) for p in people] == [
        ("Bob", ["tel:+250788383383"]),
        ("Cleo", ["tel:+250788383384"]),
    ]
