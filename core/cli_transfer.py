"""`contacts import` and `contacts export`: the API's services and jobs, run in this process.

The jobs are created exactly as the API creates them and run through the same job runner
the worker uses, with a progress bar fed by the job row. Summaries go to stderr; nothing
but the export's path goes to stdout.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from models.enums import ContactStatus, JobStatus

if TYPE_CHECKING:
    import uuid

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


def _counted(count: int, noun: str) -> str:
    """`1 row`, `2 rows`: a count with its noun, plural unless the count is one."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def _check_writable(path: Path) -> None:
    """Fails at once when `path` cannot be written, so no work is done for nothing."""
    if path.is_dir():
        _fail(f"{path} is a folder; name a file to write.")
    folder = path.parent
    if not folder.is_dir():
        _fail(f"Cannot write {path}: the folder {folder} does not exist.")
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        _fail(f"Cannot write {path}: permission denied.")


def _write_failed(path: Path, exc: OSError, outcome: str) -> NoReturn:
    _fail(f"Cannot write {path}: {exc.strerror or exc}. {outcome}")


def _ask(question: str) -> bool:
    """A yes/no question; Ctrl-C or the end of the input answers no.

    Asked with Python's own Ctrl-C handling: asyncio's would only cancel the running task and
    leave the question waiting for an answer."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return typer.confirm(question)
    except typer.Abort:
        typer.echo()  # ends the question's line
        return False
    finally:
        signal.signal(signal.SIGINT, previous)


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


async def _run_job(job: Job) -> JobStatus | None:
    from core.settings import get_settings
    from services.job_runner import run_job

    try:
        return await run_job(str(job.uuid), chunk_size=get_settings().job_chunk_size)
    except KeyboardInterrupt:  # a process the job works in got the Ctrl-C too
        return None


async def _run_with_progress(
    job: Job, label: str, *, stop: Callable[[], Awaitable[None]] | None = None
) -> JobStatus:
    """Runs the job as the worker would, drawing its progress from the job row.

    When interrupted (Ctrl-C), `stop` asks the job to stop and the job is let end itself."""
    from core.sql import sql

    columns = (TextColumn(label), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=messages, transient=False) as progress:
        task = progress.add_task(label, total=None)
        work = asyncio.ensure_future(_run_job(job))
        try:
            while not work.done():
                row = await sql().fetchrow(
                    "SELECT progress_done, progress_total FROM job WHERE id = $1", job.id
                )
                if row is not None and row["progress_total"]:
                    progress.update(
                        task, completed=row["progress_done"], total=row["progress_total"]
                    )
                await asyncio.wait([work], timeout=0.2)
        except asyncio.CancelledError:
            if stop is not None:
                await stop()
                await asyncio.wait([work])
                if work.result() is None:  # it stopped short of recording how it ended
                    await sql().execute(
                        "UPDATE job SET status = 'cancelled', finished_on = now() "
                        "WHERE id = $1 AND status = 'running' AND cancel_requested",
                        job.id,
                    )
            raise
        status = work.result() or JobStatus.FAILED
        done = await sql().fetchval("SELECT progress_done FROM job WHERE id = $1", job.id)
        progress.update(task, completed=done, total=max(done, 1))
    return status


async def _print_preview(record: ImportRecord) -> None:
    from services.imports.staging import list_error_rows

    counts = record.counts
    messages.print(
        f"{_counted(counts.total_rows, 'row')}: {counts.create_rows} to create, "
        f"{counts.update_rows} to update, {counts.skip_rows} to leave as they are, "
        f"{counts.error_rows} with errors ({counts.duplicate_rows} repeating earlier rows); "
        f"{_counted(counts.blank_rows, 'blank row')} skipped."
    )
    for column in record.columns:
        if column.reason and column.state.value != "matched":
            messages.print(f'Column "{column.header}" is {column.state.value}: {column.reason}.')
    for row in await list_error_rows(record.id, after_row=0, limit=SHOWN_ERRORS):
        for problem in row.problems:
            where = f"row {row.row}" + (f", {problem.column}" if problem.column else "")
            messages.print(f"  {where}: {problem.message}")
    if counts.error_rows > SHOWN_ERRORS:
        messages.print(f"  ... and more: {_counted(counts.error_rows, 'row')} with errors in all.")


async def _save_errors(record: ImportRecord, path: Path | None) -> None:
    """Writes the rows not imported (the error file) to `path`, or tells how to get them."""
    from services.imports.error_file import error_file

    failed = record.counts.error_rows + record.counts.late_errors
    if path is None:
        if failed:
            messages.print(
                "To get the rows with errors (each with its error) as a CSV file to fix and "
                "import again, run the import with --errors FILE."
            )
        return
    if not failed:
        messages.print(f"No rows with errors: {path} was not written.")
        return
    pieces = await error_file(record)
    try:
        with await asyncio.to_thread(path.open, "w", encoding="utf-8", newline="") as out:
            async for piece in pieces:
                await asyncio.to_thread(out.write, piece)
    except OSError as exc:
        _write_failed(path, exc, "The rows with errors were not saved.")
    messages.print(f"{_counted(failed, 'row')} with errors written to {path}.")


async def _drop(caller: Caller, import_uuid: uuid.UUID) -> None:
    """Cancels an unconfirmed import, if it is still there to cancel."""
    from services.errors import DomainError
    from services.imports.lifecycle import cancel_import

    with suppress(DomainError):
        await cancel_import(caller, import_uuid)


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
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            metavar="FILE",
            help="Write the rows not imported, each with its error, to this CSV file.",
        ),
    ] = None,
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

    if errors is not None:
        _check_writable(errors)

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
            import_uuid = started.record.uuid
            messages.print(f"Import ID: {import_uuid}")

            async def drop() -> None:
                await _drop(caller, import_uuid)

            try:
                await _run_with_progress(started.job, "Checking", stop=drop)
                record = await store.get_import_by_id(started.record.id)
                if record.status is not ImportStatus.PREVIEWED:
                    _fail(record.failure or f"The import {record.status.value}.")
                await _print_preview(record)
                wanted = yes or _ask(f"Import {_counted(record.counts.valid_rows, 'row')}?")
            except asyncio.CancelledError:  # Ctrl-C before the question
                await drop()
                messages.print("Interrupted: nothing imported.")
                return 1
            if not wanted:
                try:
                    await _save_errors(record, errors)
                finally:
                    await cancel_import(caller, import_uuid)
                messages.print("Nothing imported.")
                return 1
            try:
                confirmed = await confirm_import(caller, import_uuid, enqueue=False)
            except DomainError:
                try:
                    await _save_errors(record, errors)
                finally:
                    await cancel_import(caller, import_uuid)  # its rows and file are not kept
                raise
            await _run_with_progress(confirmed.job, "Importing")
            done = await store.get_import_by_id(record.id)
            counts = done.counts
            messages.print(
                f"Import {done.status.value}: {counts.created} created, {counts.updated} "
                f"updated, {counts.unchanged} unchanged, "
                f"{_counted(counts.error_rows + counts.late_errors, 'row')} with errors."
            )
            if done.failure:
                messages.print(done.failure)
            await _save_errors(done, errors)
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

    _check_writable(output)

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
            try:
                await asyncio.to_thread(
                    shutil.copyfile, absolute_path(started.record.file_path), output
                )
            except OSError as exc:
                kept = (
                    f"The export ({started.record.uuid}) finished; the API still offers its file."
                )
                _write_failed(output, exc, kept)
            done = await get_export_by_id(started.record.id)
            messages.print(
                f"Export done: {_counted(done.row_count, 'contact')} written to {output}."
            )
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
