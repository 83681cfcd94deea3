"""`contacts import` and `contacts export`, run as real commands in a subprocess."""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.settings import Settings
from core.sql import sql, sql_apart, transaction
from tests.factories import Session, create_session
from tests.locks import WAITING
from tests.services.imports.support import contacts_of

FILE = "name,phone,Colour\nBob,0788383383,red\nBad,12,blue\nCleo,0788383384,\n"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


async def launch(
    settings: Settings, data_dir: Path, *args: str, own_group: bool = False
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
        "DATA_DIR": str(data_dir),
        "COLUMNS": "200",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.main",
        *args,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=own_group,
    )


async def finish(process: asyncio.subprocess.Process, answer: str = "", before: str = "") -> Run:
    stdout, stderr = await process.communicate(answer.encode())
    assert process.returncode is not None
    return Run(process.returncode, before + stdout.decode(), stderr.decode())


async def cli(settings: Settings, data_dir: Path, *args: str, answer: str = "") -> Run:
    return await finish(await launch(settings, data_dir, *args), answer)


async def read_until(process: asyncio.subprocess.Process, text: str) -> str:
    """Reads stdout (as the command prints it) until `text` shows."""
    assert process.stdout is not None
    seen = ""
    while text not in seen:
        piece = await asyncio.wait_for(process.stdout.read(200), timeout=20)
        assert piece, f"the command ended before printing {text!r}: {seen!r}"
        seen += piece.decode()
    return seen


async def import_state(session: Session) -> tuple[str, str | None, int]:
    """The import's status, its validation job's status, and its staged rows."""
    state = await sql().fetchrow(
        "SELECT i.status, (SELECT status FROM job j WHERE j.id = i.validate_job_id) AS job, "
        "(SELECT count(*) FROM import_row r WHERE r.import_id = i.id) AS rows "
        "FROM contact_import i WHERE workspace_id = $1",
        session.workspace.id,
    )
    assert state is not None
    return (state["status"], state["job"], state["rows"])


def kept_uploads(root: Path) -> list[Path]:
    return list(root.rglob("*.upload"))


def many_people(folder: Path) -> Path:
    """60,000 rows: large enough to be read by the worker processes, and to take a while."""
    rows = "".join(f"Person {i},07883{i:05d}\n" for i in range(60_000))
    return write(folder / "many.csv", "name,phone\n" + rows)


async def import_reaches(
    process: asyncio.subprocess.Process, session: Session, status: str
) -> None:
    """Waits, while the command runs, for its import to reach `status`."""
    while (
        await sql().fetchval(
            "SELECT status FROM contact_import WHERE workspace_id = $1", session.workspace.id
        )
        != status
    ):
        assert process.returncode is None
        await asyncio.sleep(0.02)


@asynccontextmanager
async def job_held(
    process: asyncio.subprocess.Process, session: Session, job: str
) -> AsyncIterator[None]:
    """Holds the import's job (`job`: its validate_job_id or commit_job_id) at its first
    progress report, by locking the job's row, while the block runs: the block then acts while
    the job runs however fast it is. Then lets the job go on."""
    job_id = None
    while job_id is None:
        assert process.returncode is None
        job_id = await sql().fetchval(
            f"SELECT {job} FROM contact_import WHERE workspace_id = $1", session.workspace.id
        )
        await asyncio.sleep(0.005)
    async with transaction() as tx:
        await tx.execute("SELECT 1 FROM job WHERE id = $1 FOR NO KEY UPDATE", job_id)
        await waiting_on_lock(1)
        yield
        await waiting_on_lock(2)  # the stop request queues behind the report


async def waiting_on_lock(count: int) -> None:
    """Until `count` connections of this database wait for a lock."""
    while True:
        if await sql_apart().fetchval(WAITING) >= count:
            return
        await asyncio.sleep(0.01)


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
        "Import committed: 2 created, 0 updated, 0 unchanged, 1 row with errors." in imported.stderr
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


async def test_a_preview_with_many_error_rows_shows_the_first_and_counts_each_kind(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    bad_phones = "".join(f"P{i},{i + 10},\n" for i in range(30))
    text = f"name,phone,language\n{bad_phones},,eng\nAnn,0788383383,\n"
    source = write(tmp_path / "people.csv", text)

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
    assert (
        '  row 2, phone: "10" is not a possible phone number for RW: too short' in declined.stderr
    )
    assert "  row 22, phone:" not in declined.stderr
    assert (
        "  ... and more: 31 rows with errors in all:\n"
        "    30 rows: invalid value in phone\n"
        "    1 row: missing name\n"
    ) in declined.stderr


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


async def test_import_of_a_file_past_the_workspace_rows_fails_naming_the_limit(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    session.workspace.max_import_rows = 2
    await session.workspace.save(update_fields=["max_import_rows"])
    source = write(tmp_path / "people.csv", FILE)  # 3 rows

    run = await cli(
        settings, tmp_path, "import", str(source), "--workspace", str(session.workspace.uuid)
    )

    assert run.code == 1
    assert "Error: The file has more than 2 rows after its header" in run.stderr
    assert "--max-import-rows" in run.stderr
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


async def test_a_ctrl_c_or_the_end_of_input_at_the_question_imports_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    source = write(tmp_path / "people.csv", FILE)
    args = ("import", str(source), "--workspace", str(session.workspace.uuid))

    process = await launch(settings, tmp_path, *args)
    asked = await read_until(process, "Import 2 rows? [y/N]")
    process.send_signal(signal.SIGINT)
    interrupted = await finish(process, before=asked)
    ended = await cli(settings, tmp_path, *args)  # stdin closes without an answer

    for run in (interrupted, ended):
        assert run.code == 1, run.stderr
        assert "Import 2 rows? [y/N]" in run.stdout
        assert "Nothing imported." in run.stderr
        assert "Traceback" not in run.stderr
    assert await contacts_of(session) == []
    statuses = await sql().fetch(
        "SELECT status FROM contact_import WHERE workspace_id = $1", session.workspace.id
    )
    assert [s["status"] for s in statuses] == ["cancelled", "cancelled"]
    staged = await sql().fetchval(
        "SELECT count(*) FROM import_row r JOIN contact_import i ON i.id = r.import_id "
        "WHERE i.workspace_id = $1",
        session.workspace.id,
    )
    assert staged == 0
    assert kept_uploads(tmp_path) == []


@pytest.mark.parametrize("whole_group", [False, True], ids=["the command", "the terminal"])
async def test_a_ctrl_c_while_the_file_is_checked_cancels_the_import(
    settings: Settings, tmp_path: Path, whole_group: bool
) -> None:
    """A terminal's Ctrl-C reaches the whole process group, the workers that read a large
    file included: they leave it to the command."""
    session = await create_session()
    source = many_people(tmp_path)

    process = await launch(
        settings,
        tmp_path,
        "import",
        str(source),
        "--workspace",
        str(session.workspace.uuid),
        own_group=whole_group,
    )
    async with job_held(process, session, "validate_job_id"):
        if whole_group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
    run = await finish(process)

    assert run.code == 1, run.stderr
    assert "[y/N]" not in run.stdout  # stopped before the question
    assert "Interrupted: nothing imported." in run.stderr
    assert "Traceback" not in run.stderr
    assert await import_state(session) == ("cancelled", "cancelled", 0)
    assert kept_uploads(tmp_path) == []


async def test_a_ctrl_c_while_importing_stops_the_import_after_its_chunk(
    settings: Settings, tmp_path: Path
) -> None:
    """The commit is asked to stop, as `cancelJob` would: what was committed stays, the rest
    is not imported, and nothing is left running for a worker to pick up later."""
    session = await create_session()
    source = many_people(tmp_path)
    workspace = str(session.workspace.uuid)

    process = await launch(
        settings, tmp_path, "import", str(source), "--workspace", workspace, "--yes"
    )
    async with job_held(process, session, "commit_job_id"):
        process.send_signal(signal.SIGINT)
    run = await finish(process)

    assert run.code == 1, run.stderr
    assert "Interrupted." in run.stderr
    assert "Import cancelled:" in run.stderr
    assert "Traceback" not in run.stderr
    state = await sql().fetchrow(
        "SELECT i.status, j.status AS job FROM contact_import i JOIN job j "
        "ON j.id = i.commit_job_id WHERE i.workspace_id = $1",
        session.workspace.id,
    )
    assert state is not None and (state["status"], state["job"]) == ("cancelled", "cancelled")
    imported = await sql().fetchval(
        "SELECT count(*) FROM contact WHERE workspace_id = $1", session.workspace.id
    )
    assert imported < 60_000


async def test_a_step_that_ctrl_c_interrupts_still_ends_and_says_it_was_interrupted() -> None:
    """Creating or confirming an import, or creating an export: a Ctrl-C there must not leave
    one the command never heard of (a worker would commit or write it later)."""
    from cli.transfer import uninterrupted

    gate = asyncio.Event()

    async def step() -> str:
        await gate.wait()
        return "confirmed"

    command = asyncio.ensure_future(uninterrupted(step()))
    await asyncio.sleep(0)
    command.cancel()  # what asyncio.run does on Ctrl-C
    await asyncio.sleep(0)
    gate.set()

    assert await command == ("confirmed", True)


async def test_errors_option_writes_the_rows_not_imported(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    source = write(tmp_path / "people.csv", FILE)
    errors = tmp_path / "errors.csv"
    args = ("import", str(source), "--workspace", str(session.workspace.uuid))

    without = await cli(settings, tmp_path, *args, answer="n\n")
    declined = await cli(settings, tmp_path, *args, "--errors", str(errors), answer="n\n")
    declined_rows = errors.read_text()
    errors.unlink()
    imported = await cli(settings, tmp_path, *args, "--errors", str(errors), "--yes")

    assert without.code == 1
    assert "--errors FILE" in without.stderr
    assert declined.code == 1
    assert imported.code == 0, imported.stderr
    assert "--errors FILE" not in imported.stderr
    assert f"1 row with errors written to {errors}." in imported.stderr
    uuids = await sql().fetch(
        "SELECT uuid::text FROM contact_import WHERE workspace_id = $1 ORDER BY id",
        session.workspace.id,
    )
    for run, row in zip((without, declined, imported), uuids, strict=True):
        assert f"Import ID: {row['uuid']}" in run.stderr
    expected = [
        ["name", "phone", "Colour", "error"],
        ["Bad", "12", "blue", 'phone: "12" is not a possible phone number for RW: too short'],
    ]
    assert list(csv.reader(declined_rows.splitlines())) == expected
    assert list(csv.reader(errors.read_text().splitlines())) == expected
    assert [p["name"] for p in await contacts_of(session)] == ["Bob", "Cleo"]


async def test_counts_of_one_are_singular(settings: Settings, tmp_path: Path) -> None:
    session = await create_session()
    workspace = str(session.workspace.uuid)
    source = write(tmp_path / "one.csv", "name,phone\nBob,0788383383\n,\n")
    output = tmp_path / "one-out.csv"

    imported = await cli(settings, tmp_path, "import", str(source), "--workspace", workspace)
    again = await cli(
        settings, tmp_path, "import", str(source), "--workspace", workspace, answer="y\n"
    )
    exported = await cli(settings, tmp_path, "export", "--workspace", workspace, "-o", str(output))

    assert "Import 1 row? [y/N]" in imported.stdout
    assert "1 row: 1 to create" in imported.stderr
    assert "; 1 blank row skipped." in imported.stderr
    assert again.code == 0, again.stderr
    assert "0 rows with errors." in again.stderr
    assert exported.code == 0, exported.stderr
    assert f"Export done: 1 contact written to {output}." in exported.stderr


@pytest.mark.parametrize("where", ["missing/out.csv", "."])
async def test_an_output_that_cannot_be_written_fails_before_any_work(
    settings: Settings, tmp_path: Path, where: str
) -> None:
    session = await create_session()
    workspace = str(session.workspace.uuid)
    source = write(tmp_path / "people.csv", FILE)
    output = tmp_path / where

    exported = await cli(settings, tmp_path, "export", "--workspace", workspace, "-o", str(output))
    imported = await cli(
        settings, tmp_path, "import", str(source), "--workspace", workspace, "--errors",
        str(output), "--yes",
    )  # fmt: skip

    expected = (
        f"Error: Cannot write {output}: the folder {output.parent} does not exist.\n"
        if where.startswith("missing")
        else f"Error: {output} is a folder; name a file to write.\n"
    )
    for run in (exported, imported):
        assert (run.code, run.stdout, run.stderr) == (1, "", expected)
    for table in ("contact_export", "contact_import"):
        count = await sql().fetchval(
            f"SELECT count(*) FROM {table} WHERE workspace_id = $1", session.workspace.id
        )
        assert count == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
async def test_a_failed_write_at_the_end_is_reported_without_a_traceback(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    workspace = str(session.workspace.uuid)
    source = write(tmp_path / "people.csv", FILE)

    exported = await cli(settings, tmp_path, "export", "--workspace", workspace, "-o", "/dev/full")
    imported = await cli(
        settings, tmp_path, "import", str(source), "--workspace", workspace, "--errors",
        "/dev/full", "--yes",
    )  # fmt: skip

    assert (exported.code, exported.stdout) == (1, "")
    assert "Error: Cannot write /dev/full: No space left on device. The export (" in exported.stderr
    assert "Traceback" not in exported.stderr
    assert imported.code == 1
    assert "Import committed: 2 created" in imported.stderr
    assert (
        "Error: Cannot write /dev/full: No space left on device. The rows with errors were not "
        "saved." in imported.stderr
    )
    assert "Traceback" not in imported.stderr


async def test_columns_are_mapped_and_new_fields_created_from_the_command_line(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    source = write(
        tmp_path / "crm.csv",
        "Client,Cell,Colour,Field:a_date\nBob,0788383383,red,2026-05-01\n",
    )
    workspace = str(session.workspace.uuid)

    run = await cli(
        settings, tmp_path, "import", str(source), "--workspace", workspace, "--yes",
        "--map", "Client=name", "--map", "Colour=Field:Favourite colour", "--create-fields",
    )  # fmt: skip

    assert run.code == 0, run.stderr
    assert "unmatched" not in run.stderr
    (person,) = await contacts_of(session)
    assert (person["name"], person["urns"]) == ("Bob", ["tel:+250788383383"])
    keys = await sql().fetch(
        "SELECT key, name FROM contact_field WHERE workspace_id = $1 ORDER BY key",
        session.workspace.id,
    )
    assert [(k["key"], k["name"]) for k in keys] == [
        ("a_date", "a date"),
        ("favourite_colour", "Favourite colour"),
    ]
    assert '{"text": "red"}' in person["fields"]


async def test_a_mapping_that_cannot_be_read_fails_before_any_work(
    settings: Settings, tmp_path: Path
) -> None:
    session = await create_session()
    source = write(tmp_path / "people.csv", FILE)
    workspace = str(session.workspace.uuid)
    for mapping, said in [
        ("Colour", "--map takes COLUMN=TARGET"),
        ("Nope=name", 'names a column "Nope" that is not in the file'),
        ("Colour=URN:fax", 'unknown address scheme "fax"'),
    ]:
        run = await cli(
            settings, tmp_path, "import", str(source), "--workspace", workspace, "--map", mapping
        )
        assert run.code == 1, run.stderr
        assert said in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
    assert await contacts_of(session) == []
