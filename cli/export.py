"""`contacts export`: write a workspace's contacts, or a selection of them, to a file."""

from __future__ import annotations

import asyncio
import shutil
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
from models.enums import ContactStatus, JobStatus

if TYPE_CHECKING:
    from services.access.caller import Caller


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
    from services.contacts.filters import ContactFilter
    from services.contacts.selection import ContactSelection
    from services.exports.starting import get_export_by_id, start_export
    from services.imports.records import FileFormat
    from services.imports.storage import absolute_path

    check_writable(output)

    async def run() -> int:
        async with database():
            caller = await admin_caller(workspace)
            selection = ContactSelection(
                filter=ContactFilter(
                    statuses=status or (),
                    any_flag_ids=await _flag_ids(caller, flag or []),
                    group_ids=await _group_ids(caller, group or []),
                )
            )
            file_format = FileFormat.XLSX if xlsx else FileFormat.CSV
            started, interrupted = await uninterrupted(
                start_export(
                    caller,
                    selection,
                    file_format,
                    group_names=group_column or (),
                    query=query,
                    enqueue=False,
                )
            )
            if interrupted:  # its job has not run: cancelled at once
                await stopper(caller, started.job)()
                fail("Interrupted: nothing was written.")
            try:
                status_done = await run_with_progress(
                    started.job, "Exporting", stop=stopper(caller, started.job)
                )
            except asyncio.CancelledError:  # Ctrl-C: the export job stopped
                fail("Interrupted: nothing was written.")
            if status_done is not JobStatus.SUCCEEDED:
                fail(f"The export {status_done.value}.")
            try:
                await asyncio.to_thread(
                    shutil.copyfile, absolute_path(started.record.file_path), output
                )
            except OSError as exc:
                kept = (
                    f"The export ({started.record.uuid}) finished; the API still offers its file."
                )
                write_failed(output, exc, kept)
            done = await get_export_by_id(started.record.id)
            messages.print(
                f"Export done: {counted(done.row_count, 'contact')} written to {output}."
            )
            print(output)
            return 0

    raise typer.Exit(guarded(run()))


async def _flag_ids(caller: Caller, names: list[str]) -> list[int]:
    from services.flags.definitions import flag_ids_for_filter

    found = await flag_ids_for_filter(caller, names)
    for name, flag_id in zip(names, found, strict=True):
        if flag_id is None:
            fail(f'No flag named "{name}".')
    return [i for i in found if i is not None]


async def _group_ids(caller: Caller, names: list[str]) -> list[int]:
    from services.groups.definitions import list_groups

    by_name = {g.name.lower(): g.id for g in await list_groups(caller)}
    ids = []
    for name in names:
        group_id = by_name.get(name.strip().lower())
        if group_id is None:
            fail(f'No group named "{name}".')
        ids.append(group_id)
    return ids
