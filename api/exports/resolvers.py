from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.common import Connection
from api.contacts.filters import to_selection
from api.context import Context
from api.errors import NotFoundError, ValidationError, user_error
from api.exports.types import Export, StartExportInput
from api.jobs.types import Job
from services.errors import DomainError
from services.exports.starting import list_exports
from services.exports.starting import start_export as start
from services.keyset import LIST_PAGE_SIZE


@strawberry.type(description="The file is being written; poll `export(id)` for its link.")
class ExportStarted:
    export: Export
    job: Job


StartExportResult = Annotated[
    ExportStarted | ValidationError | NotFoundError, strawberry.union("StartExportResult")
]


async def start_export(info: Info[Context, None], input: StartExportInput) -> StartExportResult:
    caller = info.context.caller
    try:
        selection = await to_selection(caller, input.selection)
        started = await start(caller, selection, input.format, group_names=input.groups)
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return ExportStarted(export=Export.from_record(started.record), job=Job.from_model(started.job))


async def export(info: Info[Context, None], id: relay.GlobalID) -> Export | None:
    if id.type_name != "Export":
        return None
    try:
        UUID(id.node_id)
    except ValueError:
        return None
    return (await Export.resolve_nodes(info=info, node_ids=[id.node_id]))[0]


async def exports_connection(
    info: Info[Context, None],
    first: Annotated[int, strawberry.argument(description=LIST_PAGE_SIZE)] = 20,
    after: str | None = None,
) -> Connection[Export]:
    caller = info.context.caller
    page = await list_exports(caller, first=first, after=after)
    return Connection[Export].from_page(page, Export.from_record)
