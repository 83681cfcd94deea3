"""`contacts import`: check a file, show the preview, and import it once confirmed."""

from __future__ import annotations

import asyncio
import signal
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.transfer import (
    WorkspaceOption,
    admin_caller,
    check_writable,
    counted,
    database,
    fail,
    guarded,
    messages,
    run_with_progress,
    stopper,
    uninterrupted,
    write_failed,
)

if TYPE_CHECKING:
    import uuid

    from services.access.caller import Caller
    from services.imports.records import ColumnMapping, ImportRecord

SHOWN_ERRORS = 20


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


async def _print_preview(record: ImportRecord) -> None:
    from services.imports.staging import list_error_rows

    counts = record.counts
    messages.print(
        f"{counted(counts.total_rows, 'row')}: {counts.create_rows} to create, "
        f"{counts.update_rows} to update, {counts.skip_rows} to leave as they are, "
        f"{counts.error_rows} with errors ({counts.duplicate_rows} repeating earlier rows); "
        f"{counted(counts.blank_rows, 'blank row')} skipped."
    )
    for column in record.columns:
        if column.reason and column.state.value != "matched":
            messages.print(f'Column "{column.header}" is {column.state.value}: {column.reason}.')
    for row in await list_error_rows(record.id, after_row=0, limit=SHOWN_ERRORS):
        for problem in row.problems:
            where = f"row {row.row}" + (f", {problem.column}" if problem.column else "")
            messages.print(f"  {where}: {problem.message}")
    if counts.error_rows > SHOWN_ERRORS:
        messages.print(f"  ... and more: {counted(counts.error_rows, 'row')} with errors in all:")
        for tally in record.error_tally:
            kind = tally.code.value.replace("_", " ")
            where = f" in {tally.column}" if tally.column else ""
            messages.print(f"    {counted(tally.rows, 'row')}: {kind}{where}")


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
        write_failed(path, exc, "The rows with errors were not saved.")
    messages.print(f"{counted(failed, 'row')} with errors written to {path}.")


def _mapping(text: str) -> ColumnMapping:
    """`COLUMN=TARGET` as given to --map; the column's name may hold `=`, the target not."""
    from services.imports.records import ColumnMapping

    column, equals, target = text.rpartition("=")
    if not equals or not column.strip() or not target.strip():
        fail(f'--map takes COLUMN=TARGET, such as "Mobile=phone"; got "{text}".')
    return ColumnMapping(column=column.strip(), target=target.strip())


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
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=TARGET",
            help="Read COLUMN as TARGET (repeatable): an attribute such as name, phone, email, "
            "a URN:<scheme>, a Field:<key or name>, or ignore.",
        ),
    ] = None,
    create_fields: Annotated[
        bool,
        typer.Option(
            "--create-fields",
            help="Create a text field for each Field:<name> column that names no field yet.",
        ),
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
    from services.jobs.control import request_stop

    if errors is not None:
        check_writable(errors)
    mapping = [_mapping(text) for text in map_ or ()]

    async def run() -> int:
        async with database():
            caller = await admin_caller(workspace)
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
                    mapping=mapping,
                    create_unknown_fields=create_fields,
                )
                started, interrupted = await uninterrupted(
                    start_import(caller, request, enqueue=False)
                )
            import_uuid = started.record.uuid
            messages.print(f"Import ID: {import_uuid}")

            async def drop() -> None:
                await _drop(caller, import_uuid)

            async def give_up() -> int:  # Ctrl-C before the question
                await drop()
                messages.print("Interrupted: nothing imported.")
                return 1

            if interrupted:
                return await give_up()
            try:
                await run_with_progress(started.job, "Checking", stop=drop)
                record = await store.get_import_by_id(started.record.id)
                if record.status is not ImportStatus.PREVIEWED:
                    fail(record.failure or f"The import {record.status.value}.")
                await _print_preview(record)
                wanted = yes or _ask(f"Import {counted(record.counts.valid_rows, 'row')}?")
            except asyncio.CancelledError:
                return await give_up()
            if not wanted:
                try:
                    await _save_errors(record, errors)
                finally:
                    await cancel_import(caller, import_uuid)
                messages.print("Nothing imported.")
                return 1
            try:
                confirmed, interrupted = await uninterrupted(
                    confirm_import(caller, import_uuid, enqueue=False)
                )
            except DomainError:
                try:
                    await _save_errors(record, errors)
                finally:
                    await cancel_import(caller, import_uuid)  # its rows and file are not kept
                raise
            if interrupted:  # the job still runs, to end the import as cancelled at once
                await request_stop(confirmed.job.id)
            try:
                await run_with_progress(
                    confirmed.job, "Importing", stop=stopper(caller, confirmed.job)
                )
            except asyncio.CancelledError:  # Ctrl-C: the import stopped after its chunk
                interrupted = True
            if interrupted:
                messages.print("Interrupted.")
            done = await store.get_import_by_id(record.id)
            counts = done.counts
            messages.print(
                f"Import {done.status.value}: {counts.created} created, {counts.updated} "
                f"updated, {counts.unchanged} unchanged, "
                f"{counted(counts.error_rows + counts.late_errors, 'row')} with errors."
            )
            if done.failure:
                messages.print(done.failure)
            await _save_errors(done, errors)
            return 0 if done.status is ImportStatus.COMMITTED else 1

    raise typer.Exit(guarded(run()))
