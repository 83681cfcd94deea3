from __future__ import annotations

from typing import Annotated, cast

import strawberry
from starlette.datastructures import UploadFile
from strawberry.types import Info

from api.context import Context
from api.errors import LimitReachedError, NotFoundError, ValidationError
from api.imports.errors import NotASpreadsheetError
from api.imports.types import Import, StartImportInput
from api.jobs.types import Job
from services.imports import starting


@strawberry.type(description="The file is stored and being checked; poll `import(id)`.")
class ImportStarted:
    import_: Import = strawberry.field(name="import")
    job: Job


StartImportResult = Annotated[
    ImportStarted | NotASpreadsheetError | ValidationError | NotFoundError | LimitReachedError,
    strawberry.union("StartImportResult"),
]


@strawberry.mutation(
    description="Upload a CSV/XLSX (multipart) or paste CSV; validation runs as a job."
)
async def start_import(info: Info[Context, None], input: StartImportInput) -> StartImportResult:
    try:
        started = await starting.start_import(info.context.caller, input.to_request())
    finally:
        if input.file is not None:
            await cast(UploadFile, input.file).close()
    return ImportStarted(
        import_=Import.from_record(started.record), job=Job.from_model(started.job)
    )
