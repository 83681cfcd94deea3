"""Asking for an export (a job writes the file) and reading exports back."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass

from core.queue import enqueue_job
from core.sql import sql, transaction
from models import Job
from models.enums import JobKind, Permission
from query.errors import QueryError
from services.access.caller import Caller
from services.contacts.query_env import read_query
from services.contacts.selection import ContactSelection
from services.errors import InvalidInput, NotFound
from services.exports import statements
from services.exports.records import ExportParams, ExportRecord, GroupColumn
from services.imports.records import FileFormat
from services.imports.storage import relative_path
from services.jobs.control import insert_job
from services.keyset import Page, newest_first


@dataclass(frozen=True, slots=True)
class StartedExport:
    record: ExportRecord
    job: Job


async def _group_columns(caller: Caller, names: Sequence[str]) -> tuple[GroupColumn, ...]:
    wanted = list(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))
    rows = await sql().fetch(
        statements.GROUP_COLUMNS_BY_NAME,
        caller.workspace_id,
        [n.lower() for n in wanted],
    )
    found = {r["name"].lower(): GroupColumn(r["id"], r["name"]) for r in rows}
    missing = [n for n in wanted if n.lower() not in found]
    if missing:
        raise NotFound(f'No group named "{missing[0]}".', field="groups")
    return tuple(found[n.lower()] for n in wanted)


def _joined_query(selection: ContactSelection, query: str | None) -> str | None:
    """The caller's query and the selection filter's own (kept as its canonical text: the
    frozen parameters hold text, not parsed queries), both to be met."""
    parts = [query.strip()] if query is not None and query.strip() else []
    if selection.filter is not None and selection.filter.query is not None:
        parts.append(selection.filter.query.canonical)
    if len(parts) < 2:
        return parts[0] if parts else None
    return " AND ".join(f"({part})" for part in parts)


async def _check_query(caller: Caller, query: str | None) -> str | None:
    if query is None:
        return None
    try:
        await read_query(caller.workspace, query)
    except QueryError as exc:
        raise InvalidInput(str(exc), field="query") from exc
    return query.strip()


async def start_export(
    caller: Caller,
    selection: ContactSelection,
    file_format: FileFormat,
    *,
    group_names: Sequence[str] = (),
    query: str | None = None,
    enqueue: bool = True,
) -> StartedExport:
    caller.require(Permission.EXPORT)
    params = ExportParams(
        selection=selection,
        query=await _check_query(caller, _joined_query(selection, query)),
        group_columns=await _group_columns(caller, group_names),
    )
    export_uuid = uuidlib.uuid4()
    relative = relative_path(caller.workspace.uuid, "exports", f"{export_uuid}.{file_format.value}")
    async with transaction() as tx:
        job_id, job_uuid = await insert_job(
            tx, caller=caller, kind=JobKind.EXPORT_CONTACTS, params={"export": str(export_uuid)}
        )
        export_id = await tx.fetchval(
            statements.INSERT_EXPORT,
            caller.workspace_id,
            export_uuid,
            file_format.value,
            relative,
            params.to_json(),
            job_id,
            caller.member.id,
        )
    if enqueue:
        await enqueue_job(str(job_uuid))
    return StartedExport(await get_export_by_id(export_id), await Job.get(id=job_id))


async def get_export_by_id(export_id: int) -> ExportRecord:
    row = await sql().fetchrow(statements.EXPORT_BY_ID, export_id)
    assert row is not None, f"no export {export_id}"
    return ExportRecord.from_row(row)


async def find_export(caller: Caller, export_uuid: uuidlib.UUID) -> ExportRecord | None:
    """None for an export of another workspace, as for one that does not exist."""
    caller.require(Permission.EXPORT)
    row = await sql().fetchrow(statements.EXPORT_BY_UUID, caller.workspace_id, export_uuid)
    return ExportRecord.from_row(row) if row else None


async def list_exports(caller: Caller, *, first: int, after: str | None) -> Page[ExportRecord]:
    """The workspace's exports, newest first, keyset-paginated on (created_on, id)."""
    caller.require(Permission.EXPORT)
    return await newest_first(
        "contact_export",
        statements.EXPORT_COLUMNS,
        ExportRecord.from_row,
        workspace_id=caller.workspace_id,
        first=first,
        after=after,
    )
