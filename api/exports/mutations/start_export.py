from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import NotFoundError, ValidationError
from api.exports.types import Export, StartExportInput
from api.jobs.types import Job
from api.selection.filters import to_selection
from services.exports import starting


@strawberry.type(description="The file is being written; poll `export(id)` for its link.")
class ExportStarted:
    export: Export
    job: Job


StartExportResult = Annotated[
    ExportStarted | ValidationError | NotFoundError, strawberry.union("StartExportResult")
]


@strawberry.mutation
async def start_export(info: Info[Context, None], input: StartExportInput) -> StartExportResult:
    caller = info.context.caller
    selection = await to_selection(caller, input.selection)
    started = await starting.start_export(caller, selection, input.format, group_names=input.groups)
    return ExportStarted(export=Export.from_record(started.record), job=Job.from_model(started.job))
