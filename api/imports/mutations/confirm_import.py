from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError
from api.imports.errors import ImportHasErrorsError
from api.imports.types import Import
from api.jobs.types import Job
from api.relay import require_node_uuid
from services.imports import lifecycle


@strawberry.type(description="The import is being committed; poll its `commitJob`.")
class ImportConfirmed:
    import_: Import = strawberry.field(name="import")
    job: Job


ConfirmImportResult = Annotated[
    ImportConfirmed | ImportHasErrorsError | InvalidStateError | NotFoundError,
    strawberry.union("ConfirmImportResult"),
]


@strawberry.mutation
async def confirm_import(info: Info[Context, None], id: strawberry.ID) -> ConfirmImportResult:
    confirmed = await lifecycle.confirm_import(info.context.caller, require_node_uuid(id, "Import"))
    return ImportConfirmed(
        import_=Import.from_record(confirmed.record), job=Job.from_model(confirmed.job)
    )
