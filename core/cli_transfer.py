"""`contacts import` and `contacts export`: the API's services and jobs, run in this process.

The jobs are created exactly as the API creates them and run through the same job runner
the worker uses, with a progress bar fed by the job row. Summaries go to stderr; nothing
but the export's path goes to stdout.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from models.enums import ContactStatus, JobStatus

if TYPE_CHECKING:
    from models import Job
    from services.caller import Caller
    from services.imports.records import ImportRecord

SHOWN_ERRORS = 20
messages = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)
transfer_app = typer.Typer(help="Import and export contacts.", no_args_is_help=True)
WorkspaceOption = Annotated[str, typer.Option("--workspace", help="The workspace's ID (a UUID).")]


def register_transfer_commands(app: typer.Typer) -> None:
    """Adds `import` and `export` to the `contacts` command line."""
    app.command("import")(import_contacts)
    app.command("export")(export_contacts)


def _fail(message: str) -> NoReturn:
    messages.print(Text.assemble(("Error: ", "bold red"), message))
    raise typer.Exit(1)


@asynccontextmanager
async def _database() -> AsyncIterator[None]:
    from core.database import close_database, init_database
    from core.embedded import resolve_database_url
    from core.migrate import apply_migrations
    from core.settings import get_settings

    settings = get_settings()
    database_url = resolve_database_url(settings)
    if not settings.database_url:
        await apply_migrations(database_url)
    await init_database(database_url, pool_max=4)
    try:
        yield
    finally:
        await close_database()


async def _admin_caller(workspace_id: str) -> Caller:
    from models import Member, Workspace
    from models.enums import Role
    from services.caller import Caller
    from services.workspaces import get_workspace_by_uuid

    workspace: Workspace | None = await get_workspace_by_uuid(workspace_id)
    if workspace is None:
        _fail(f"No workspace with ID {workspace_id!r}.")
    admin = await Member.filter(workspace_id=workspace.id, role=Role.ADMIN).order_by("id").first()
    if admin is None:
        _fail("The workspace has no admin to act as; `contacts token create --role admin`.")
    return Caller(workspace=workspace, member=admin)


async def _run_with_progress(job: Job, label: str) -> JobStatus:
    """Runs the job as the worker would, drawing its progress from the job row."""
    from core.settings import get_settings
    from core.sql import sql
    from services.job_runner import run_job

    columns = (TextColumn(label), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=messages, transient=False) as progress:
        task = progress.add_task(label, total=None)
        running: Awaitable[JobStatus | None] = run_job(
            str(job.uuid), chunk_size=get_settings().job_chunk_size
        )
        work = asyncio.ensure_future(running)
        while not work.done():
            row = await sql().fetchrow(
                "SELECT progress_done, progress_total FROM job WHERE id = $1", job.id
            )
            if row is not None and row["progress_total"]:
                progress.update(task, completed=row["progress_done"], total=row["progress_total"])
            await asyncio.wait([work], timeout=0.2)
        status = work.result() or JobStatus.FAILED
        done = await sql().fetchval("SELECT progress_done FROM job WHERE id = $1", job.id)
        progress.update(task, completed=done, total=max(done, 1))
    return status


async def _print_preview(record: ImportRecord) -> None:
    from services.imports.staging import list_error_rows

    counts = record.counts
    messages.print(
        f"{counts.total_rows} rows: {counts.create_rows} to create, {counts.update_rows} to "
        f"update, {counts.skip_rows} to leave as they are, {counts.error_rows} with errors "
        f"({counts.duplicate_rows} repeating earlier rows); {counts.blank_rows} blank rows skipped."
    )
    for column in record.columns:
        if column.reason and column.state.value != "matched":
            messages.print(f'Column "{column.header}" is {column.state.value}: {column.reason}.')
    for row in await list_error_rows(record.id, after_row=0, limit=SHOWN_ERRORS):
        for problem in row.problems:
            where = f"row {row.row}" + (f", {problem.column}" if problem.column else "")
            messages.print(f"  {where}: {problem.message}")
    if counts.error_rows > SHOWN_ERRORS:
        messages.print(f"  ... and more: {counts.error_rows} rows with errors in all.")


def import_contacts(
    file: Annotated[Path, typer.Argument(help="A CSV (UTF-8) or XLSX file.", exists=True)],
    workspace: WorkspaceOption,
    group: Annotated[str | None, typer.Option(help="Add everyone to this group.")] = None,
    flag: Annotated[list[str] | None, typer.Option(help="Add this flag (repeatable).")] = None,
    all_or_nothing: Annotated[
        bool, typer.Option(help="Import nothing if any row is invalid.")
    ] = False,
    keep_existing: Annotated[
        bool, typer.Option(help="Leave matched contacts as they are.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Import without asking.")] = False,
) -> None:
    """Check FILE, show what it would do, then (once confirmed) import it into a workspace."""
    from services.errors import DomainError
    from services.imports import store
    from services.imports.groups import GroupRef
    from services.imports.lifecycle import cancel_import, confirm_import
    from services.imports.records import ImportMode, ImportStatus
    from services.imports.starting import ImportRequest, start_import
    from services.imports.storage import LocalFileSource

    async def run() -> int:
        async with _database():
            caller = await _admin_caller(workspace)
            with file.open("rb") as handle:
                request = ImportRequest(
                    file_name=file.name,
                    source=LocalFileSource(handle),
                    group=GroupRef(name=group) if group else None,
                    flags=flag or (),
                    mode=ImportMode.ALL_OR_NOTHING
                    if all_or_nothing
                    else ImportMode.VALID_ROWS_ONLY,
                    update_existing=not keep_existing,
                )
                started = await start_import(caller, request, enqueue=False)
            await _run_with_progress(started.job, "Checking")
            record = await store.get_import_by_id(started.record.id)
            if record.status is not ImportStatus.PREVIEWED:
                _fail(record.failure or f"The import {record.status.value}.")
            await _print_preview(record)
            question = f"Import {record.counts.valid_rows} rows?"
            if not yes and not await asyncio.to_thread(typer.confirm, question):
                await cancel_import(caller, record.uuid)
                messages.print("Nothing imported.")
                return 1
            try:
                confirmed = await confirm_import(caller, record.uuid, enqueue=False)
            except DomainError:
                await cancel_import(caller, record.uuid)  # its rows and file are not kept
                raise
            await _run_with_progress(confirmed.job, "Importing")
            done = await store.get_import_by_id(record.id)
            counts = done.counts
            messages.print(
                f"Import {done.status.value}: {counts.created} created, {counts.updated} "
                f"updated, {counts.unchanged} unchanged, "
                f"{counts.error_rows + counts.late_errors} rows with errors."
            )
            if done.failure:
                messages.print(done.failure)
            return 0 if done.status is ImportStatus.COMMITTED else 1

    raise typer.Exit(_guarded(run()))


def export_contacts(
    workspace: WorkspaceOption,
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    query: Annotated[str | None, typer.Option(help="Only contacts matching this query.")] = None,
    group: Annotated[list[str] | None, typer.Option(help="Only members of this group.")] = None,
    flag: Annotated[list[str] | None, typer.Option(help="Only contacts with this flag.")] = None,
    status: Annotated[list[ContactStatus] | None, typer.Option(help="Only these statuses.")] = None,
    group_column: Annotated[
        list[str] | None, typer.Option(help="Add a `Group:<name>` membership column.")
    ] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Write XLSX instead of CSV.")] = False,
) -> None:
    """Write a workspace's contacts (or a selection of them) to a CSV or XLSX file."""
    from services.contact_filters import ContactFilter
    from services.exports.starting import get_export_by_id, start_export
    from services.imports.records import FileFormat
    from services.imports.storage import absolute_path
    from services.selection import ContactSelection

    async def run() -> int:
        async with _database():
            caller = await _admin_caller(workspace)
            selection = ContactSelection(
                filter=ContactFilter(
                    statuses=status or (),
                    any_flag_ids=await _flag_ids(caller, flag or []),
                    group_ids=await _group_ids(caller, group or []),
                )
            )
            file_format = FileFormat.XLSX if xlsx else FileFormat.CSV
            started = await start_export(
                caller,
                selection,
                file_format,
                group_names=group_column or (),
                query=query,
                enqueue=False,
            )
            status_done = await _run_with_progress(started.job, "Exporting")
            if status_done is not JobStatus.SUCCEEDED:
                _fail(f"The export {status_done.value}.")
            await asyncio.to_thread(
                shutil.copyfile, absolute_path(started.record.file_path), output
            )
            done = await get_export_by_id(started.record.id)
            messages.print(f"Export done: {done.row_count} contacts written to {output}.")
            print(output)
            return 0

    raise typer.Exit(_guarded(run()))


async def _flag_ids(caller: Caller, names: list[str]) -> list[int]:
    from services.flags import flag_ids_for_filter

    found = await flag_ids_for_filter(caller, names)
    for name, flag_id in zip(names, found, strict=True):
        if flag_id is None:
            _fail(f'No flag named "{name}".')
    return [i for i in found if i is not None]


async def _group_ids(caller: Caller, names: list[str]) -> list[int]:
    from core.sql import sql

    ids = []
    for name in names:
        row = await sql().fetchval(
            "SELECT id FROM contact_group WHERE workspace_id = $1 AND lower(name) = lower($2)",
            caller.workspace_id,
            name.strip(),
        )
        if row is None:
            _fail(f'No group named "{name}".')
        ids.append(int(row))
    return ids


def _guarded(work: Coroutine[Any, Any, int]) -> int:
    from services.errors import DomainError

    try:
        return asyncio.run(work)
    except DomainError as exc:
        _fail(exc.message)


register_transfer_commands(transfer_app)

if __name__ == "__main__":
    transfer_app()
