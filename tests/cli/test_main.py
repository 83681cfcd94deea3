from __future__ import annotations

import asyncio
import os
import sys
import uuid
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import Settings
from models import Member, Workspace
from models.enums import DateFormat, Role
from services.access.tokens import authenticate
from tests.factories import create_contact, create_session, create_workspace

COMMANDS = [
    [],
    ["dev"],
    ["serve"],
    ["worker"],
    ["migrate"],
    ["workspace"],
    ["workspace", "create"],
    ["workspace", "list"],
    ["workspace", "set"],
    ["token"],
    ["token", "create"],
    ["token", "revoke"],
    ["import"],
    ["export"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command) or "contacts")
def test_every_command_explains_itself(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])

    assert result.exit_code == 0, result.output
    assert "Usage: contacts" in result.output


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


async def contacts(settings: Settings, *args: str) -> Run:
    """The real command in a subprocess: it sets up and tears down the ORM on its own."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.main",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


async def test_workspace_create_prints_only_the_new_id(settings: Settings) -> None:
    run = await contacts(
        settings,
        "workspace",
        "create",
        "Kigali office",
        "--country",
        "rw",
        "--timezone",
        "Africa/Kigali",
        "--date-format",
        "month_first",
    )

    assert run.code == 0, run.stderr
    workspace = await Workspace.get(uuid=uuid.UUID(run.stdout.strip()))
    assert run.stdout == f"{workspace.uuid}\n"
    assert (workspace.name, workspace.country) == ("Kigali office", "RW")
    assert (workspace.timezone, workspace.date_format) == ("Africa/Kigali", DateFormat.MONTH_FIRST)
    assert not workspace.anonymous


async def test_workspace_list_shows_every_workspace_with_its_contacts(settings: Settings) -> None:
    session = await create_session(await create_workspace("Lister One"))
    for name in ("Ann", "Bob"):
        await create_contact(session, name)
    hidden = await create_workspace("Lister Two")
    hidden.anonymous = True
    await hidden.save()

    run = await contacts(settings, "workspace", "list")

    assert run.code == 0, run.stderr
    lines = {line.split("│")[2].strip(): line for line in run.stdout.splitlines() if "│" in line}
    one, two = lines["Lister One"], lines["Lister Two"]
    assert str(session.workspace.uuid) in one and " 2 " in one and "shown" in one
    assert str(hidden.uuid) in two and " 0 " in two and "hidden" in two


@pytest.mark.parametrize(
    ("country", "options", "reads"),
    [
        ("us", [], DateFormat.MONTH_FIRST),
        ("PH", [], DateFormat.MONTH_FIRST),
        ("rw", [], DateFormat.DAY_FIRST),
        ("gb", [], DateFormat.DAY_FIRST),
        ("us", ["--date-format", "day_first"], DateFormat.DAY_FIRST),
    ],
)
async def test_workspace_dates_read_as_the_country_writes_them_unless_told(
    settings: Settings, country: str, options: list[str], reads: DateFormat
) -> None:
    run = await contacts(settings, "workspace", "create", "Office", "--country", country, *options)

    assert run.code == 0, run.stderr
    workspace = await Workspace.get(uuid=uuid.UUID(run.stdout.strip()))
    assert workspace.date_format == reads


async def test_workspace_create_can_hide_addresses(settings: Settings) -> None:
    run = await contacts(
        settings, "workspace", "create", "Hotline", "--country", "rw", "--anonymous"
    )

    assert run.code == 0, run.stderr
    workspace = await Workspace.get(uuid=uuid.UUID(run.stdout.strip()))
    assert workspace.anonymous


async def test_workspace_largest_import_is_set_at_creation_and_changed_later(
    settings: Settings,
) -> None:
    run = await contacts(settings, "workspace", "create", "Big", "--country", "rw")
    assert run.code == 0, run.stderr
    workspace = await Workspace.get(uuid=uuid.UUID(run.stdout.strip()))
    assert workspace.max_import_rows == 2_000_000

    run = await contacts(
        settings, "workspace", "create", "Small", "--country", "rw", "--max-import-rows", "10"
    )
    assert run.code == 0, run.stderr
    small = await Workspace.get(uuid=uuid.UUID(run.stdout.strip()))
    assert small.max_import_rows == 10

    run = await contacts(
        settings, "workspace", "set", "--workspace", str(small.uuid), "--max-import-rows", "25"
    )
    assert run.code == 0, run.stderr
    assert "25 rows" in run.stderr + run.stdout
    await small.refresh_from_db()
    assert small.max_import_rows == 25

    run = await contacts(
        settings, "workspace", "set", "--workspace", str(small.uuid), "--max-import-rows", "0"
    )
    assert run.code == 1
    assert "1 to" in run.stderr


async def test_workspace_create_explains_bad_input(settings: Settings) -> None:
    run = await contacts(settings, "workspace", "create", "Nowhere", "--country", "XX")

    assert run.code == 1
    assert run.stdout == ""
    assert "country code" in run.stderr


async def test_token_create_prints_only_a_working_token(settings: Settings) -> None:
    workspace = await Workspace.create(uuid=uuid.uuid4(), name="Tokens", country="RW")

    run = await contacts(
        settings,
        "token",
        "create",
        "--workspace",
        str(workspace.uuid),
        "--role",
        "editor",
        "--name",
        "Importer",
    )

    assert run.code == 0, run.stderr
    token = run.stdout.removesuffix("\n")
    assert token and "\n" not in token
    caller = await authenticate(token)
    assert caller is not None and caller.workspace.id == workspace.id
    member = await Member.get(id=caller.member.id)
    assert (member.name, member.role) == ("Importer", Role.EDITOR)

    revoked = await contacts(settings, "token", "revoke", token, "--workspace", str(workspace.uuid))
    assert revoked.code == 0, revoked.stderr
    assert await authenticate(token) is None


async def test_token_create_refuses_an_unknown_workspace(settings: Settings) -> None:
    missing = str(uuid.uuid4())

    run = await contacts(settings, "token", "create", "--workspace", missing, "--role", "admin")

    assert run.code == 1
    assert run.stdout == ""
    assert f"No workspace with ID '{missing}'" in run.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["workspace", "create", "Ac\x00me"],
        ["token", "create", "--workspace", str(uuid.uuid4()), "--role", "admin", "--name", "A\x00"],
        ["import", "--workspace", str(uuid.uuid4()), "--group", "G\x00", "people.csv"],
        ["export", "--workspace", str(uuid.uuid4()), "-o", "out.csv", "--query", "name = \x00"],
        ["export", "--workspace", str(uuid.uuid4()), "-o", "out.csv", "--flag", "V\x00IP"],
    ],
)
def test_an_argument_holding_a_nul_is_refused_before_the_command_runs(command: list[str]) -> None:
    """In-process only: a shell (execve) cannot pass a NUL in an argument at all."""
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2, result.output
    assert "holds a NUL character" in result.output
    assert "Traceback" not in result.output
