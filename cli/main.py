"""The `contacts` command line: run the service, and create workspaces and API tokens.

Results that scripts capture (an ID, a token) go alone to stdout; everything else to stderr.
Without DATABASE_URL / REDIS_URL every command uses the embedded servers, and brings the
embedded database's schema up to date first.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from cli.export import export_contacts
from cli.import_file import import_contacts
from core.database import close_database, init_database
from core.embedded import resolve_database_url, resolve_service_urls
from core.embedded_errors import EmbeddedServerError
from core.migrate import apply_migrations
from core.settings import Settings, get_settings
from models.enums import DateFormat, Role

if TYPE_CHECKING:
    from models import Workspace

T = TypeVar("T")


class Commands(TyperGroup):
    """Refuses a NUL character in any argument before a command runs: no text stored in the
    database can hold one. (A shell cannot pass one; a program calling us in-process can.)"""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        given = sys.argv[1:] if args is None else args
        for arg in given:
            if "\x00" in arg:
                shown = arg.replace("\x00", "\\0")
                messages.print(
                    Text.assemble(
                        ("Error: ", "bold red"),
                        f"the argument {shown!r} holds a NUL character, which no text can hold.",
                    )
                )
                raise SystemExit(2)
        return super().main(args, *rest, **options)


app = typer.Typer(
    cls=Commands,
    name="contacts",
    help="Contacts service: a GraphQL API for contacts, with a background job worker.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
workspace_app = typer.Typer(help="Manage workspaces.", no_args_is_help=True)
token_app = typer.Typer(help="Create and revoke API tokens.", no_args_is_help=True)
app.add_typer(workspace_app, name="workspace")
app.add_typer(token_app, name="token")
app.command("import")(import_contacts)
app.command("export")(export_contacts)

messages = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)
banner = Console(markup=False, highlight=False, soft_wrap=True)

HostOption = Annotated[
    str | None, typer.Option(help="Interface to listen on; defaults to HOST, else 127.0.0.1.")
]
PortOption = Annotated[
    int | None, typer.Option(help="Port to listen on; defaults to PORT, else 8000.")
]
WorkspaceOption = Annotated[str, typer.Option("--workspace", help="The workspace's ID (a UUID).")]


@app.command()
def dev(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run everything for development: database, Redis, API and worker; Ctrl-C stops it all.

    Without DATABASE_URL / REDIS_URL, embedded PostgreSQL and Redis keep their data in DATA_DIR.
    Migrations are applied; the first start creates a demo workspace and prints an admin token.
    """
    from cli.devserver import run_dev

    with _reported_errors():
        code = run_dev(get_settings(), host=host, port=port, console=banner)
    raise typer.Exit(code)


@app.command()
def serve(host: HostOption = None, port: PortOption = None) -> None:
    """Serve the GraphQL API at /graphql (and /healthz) with uvicorn."""
    import uvicorn

    from web.app import create_app

    settings = get_settings()
    with _reported_errors():
        app_settings = _with_service_urls(settings)
        asgi_app = create_app(app_settings)
    _exit_cleanly_on_sigterm()
    uvicorn.run(asgi_app, host=host or settings.host, port=port or settings.port)


@app.command()
def worker(
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Exit 0 if a worker has reported in to REDIS_URL lately, else 1."
        ),
    ] = False,
) -> None:
    """Run the worker that carries out background jobs (bulk changes, imports)."""
    from core.logging import configure_logging
    from workers.runner import run_worker

    settings = get_settings()
    if check:
        raise typer.Exit(_check_worker_health(settings))
    with _reported_errors():
        worker_settings = _with_service_urls(settings)
    configure_logging()
    _exit_cleanly_on_sigterm()
    # arq stops on SIGINT/SIGTERM by cancelling its main task.
    with suppress(asyncio.CancelledError):
        asyncio.run(run_worker(worker_settings))


@app.command()
def migrate() -> None:
    """Apply pending database migrations and list the ones applied."""
    with _reported_errors():
        applied = asyncio.run(apply_migrations(resolve_database_url(get_settings())))
    for name in applied:
        messages.print(f"Applied {name}")
    messages.print(f"{len(applied)} migration(s) applied; the schema is up to date.")


@workspace_app.command("create")
def create_workspace(
    name: Annotated[str, typer.Argument(help="The workspace's name.")],
    country: Annotated[
        str, typer.Option(help="ISO 3166 two-letter country code, used to read phone numbers.")
    ],
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Africa/Kigali.")] = "UTC",
    date_format: Annotated[
        DateFormat | None,
        typer.Option(
            help="How dates such as 01/02/2026 are read; by default as the country writes "
            "them (month first in the US, day first in most countries)."
        ),
    ] = None,
    anonymous: Annotated[
        bool,
        typer.Option(
            "--anonymous",
            help="Hide contacts' addresses from members: not shown, queried or exported.",
        ),
    ] = False,
    max_import_rows: Annotated[
        int | None,
        typer.Option(help="The largest import, in rows after the header (default 2,000,000)."),
    ] = None,
) -> None:
    """Create a workspace and print its ID."""
    from services.access import workspaces

    async def create() -> str:
        workspace = await workspaces.create_workspace(
            name=name,
            country=country,
            timezone=timezone,
            date_format=date_format,
            anonymous=anonymous,
            max_import_rows=max_import_rows,
        )
        return str(workspace.uuid)

    with _reported_errors():
        print(_run_with_database(create))


@workspace_app.command("list")
def list_workspaces() -> None:
    """List every workspace: its ID, name, country, time zone, how dates are read, whether
    addresses are hidden, and how many contacts it holds."""
    from rich.table import Table

    from services.access import workspaces

    with _reported_errors():
        found = _run_with_database(workspaces.list_workspaces)
    if not found:
        messages.print("No workspaces yet: create one with `contacts workspace create`.")
        return
    table = Table("ID", "Name", "Country", "Time zone", "Dates", "Addresses", "Contacts")
    for summary in found:
        w = summary.workspace
        table.add_row(
            str(w.uuid),
            w.name,
            w.country,
            w.timezone,
            w.date_format.value.replace("_", " "),
            "hidden" if w.anonymous else "shown",
            f"{summary.contacts:,}",
        )
    Console(width=200).print(table)


@workspace_app.command("set")
def set_workspace(
    workspace: WorkspaceOption,
    max_import_rows: Annotated[
        int,
        typer.Option(help="The largest import, in rows after the header; a larger file fails."),
    ],
) -> None:
    """Change a workspace's settings."""
    from services.access import workspaces

    async def change() -> int:
        found = await _workspace_or_fail(workspace)
        return (await workspaces.set_max_import_rows(found, max_import_rows)).max_import_rows

    with _reported_errors():
        rows = _run_with_database(change)
    messages.print(f"Largest import: {rows:,} rows.")


@token_app.command("create")
def create_token(
    workspace: WorkspaceOption,
    role: Annotated[Role, typer.Option(help="What the token may do.")],
    name: Annotated[
        str | None,
        typer.Option(help="Name of the member the token acts as; defaults to 'API <role>'."),
    ] = None,
) -> None:
    """Create a member with ROLE in the workspace and print only its API token."""
    from services.access.tokens import issue_token

    async def create() -> str:
        issued = await issue_token(
            workspace=await _workspace_or_fail(workspace),
            role=role,
            member_name=name or f"API {role.value}",
        )
        return issued.token

    with _reported_errors():
        token = _run_with_database(create)
    messages.print(f"Token for a new {role.value} member; it is shown only this once.")
    print(token)


@token_app.command("revoke")
def revoke_token(
    token: Annotated[str, typer.Argument(help="The token, its visible prefix, or its UUID.")],
    workspace: WorkspaceOption,
) -> None:
    """Revoke an API token; requests using it are refused from then on."""
    from services.access import tokens

    async def revoke() -> bool:
        found = await _workspace_or_fail(workspace)
        return await tokens.revoke_token(workspace=found, token_ref=token)

    with _reported_errors():
        revoked = _run_with_database(revoke)
    if not revoked:
        _fail(f"No active token matching {token!r} in workspace {workspace}.")
    messages.print("Token revoked.")


def _check_worker_health(settings: Settings) -> int:
    from arq.worker import async_check_health

    from core.queue import redis_settings

    if not settings.redis_url:
        _fail("--check needs REDIS_URL: it must not start an embedded Redis.")
    health = async_check_health(redis_settings(settings.redis_url), queue_name=settings.queue_name)
    return int(asyncio.run(health))


def _with_service_urls(settings: Settings) -> Settings:
    urls = resolve_service_urls(settings)
    if not settings.database_url:
        asyncio.run(apply_migrations(urls.database_url))
    return settings.model_copy(
        update={"database_url": urls.database_url, "redis_url": urls.redis_url}
    )


def _run_with_database(work: Callable[[], Awaitable[T]]) -> T:
    settings = get_settings()
    database_url = resolve_database_url(settings)

    async def run() -> T:
        if not settings.database_url:
            await apply_migrations(database_url)
        await init_database(database_url, pool_max=2)
        try:
            return await work()
        finally:
            await close_database()

    return asyncio.run(run())


async def _workspace_or_fail(workspace_id: str) -> Workspace:
    from services.access.workspaces import get_workspace_by_uuid

    workspace = await get_workspace_by_uuid(workspace_id)
    if workspace is None:
        _fail(f"No workspace with ID {workspace_id!r}; `contacts workspace create` makes one.")
    return workspace


@contextmanager
def _reported_errors() -> Iterator[None]:
    """Turn failures a user can act on into one line on stderr and exit code 1."""
    from asyncpg import UndefinedTableError
    from tortoise.exceptions import DBConnectionError

    from services.errors import DomainError

    try:
        yield
    except (EmbeddedServerError, DomainError, DBConnectionError) as exc:
        _fail(str(exc))
    except ConnectionError as exc:
        _fail(f"Cannot connect: {exc}")
    except UndefinedTableError:
        _fail("The database at DATABASE_URL has no tables yet: run `contacts migrate` first.")


def _exit_cleanly_on_sigterm() -> None:
    """Make SIGTERM end the process the way Ctrl-C does, so that exit handlers run."""

    def exit_now(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, exit_now)


def _fail(message: str) -> NoReturn:
    messages.print(Text.assemble(("Error: ", "bold red"), message))
    raise typer.Exit(1)


if __name__ == "__main__":
    app()
