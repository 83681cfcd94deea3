from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError, NotFoundError
from api.imports.types import Import
from api.relay import require_node_uuid
from services.imports import lifecycle


@strawberry.type
class ImportCancelled:
    import_: Import = strawberry.field(name="import")


CancelImportResult = Annotated[
    ImportCancelled | InvalidStateError | NotFoundError, strawberry.union("CancelImportResult")
]


@strawberry.mutation
async def cancel_import(info: Info[Context, None], id: strawberry.ID) -> CancelImportResult:
    cancelled = await lifecycle.cancel_import(info.context.caller, require_node_uuid(id, "Import"))
    return ImportCancelled(import_=Import.from_record(cancelled))
