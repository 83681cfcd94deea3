from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

import strawberry
from starlette.datastructures import UploadFile
from strawberry import relay
from strawberry.types import Info

from api.common import Connection
from api.context import Context
from api.errors import (
    InvalidStateError,
    LimitReachedError,
    NotFoundError,
    UserError,
    ValidationError,
    user_error,
)
from api.imports.types import Import, ImportGroupInput, ImportTemplate, StartImportInput
from api.jobs.types import Job
from services.errors import DomainError, InvalidInput, NotFound
from services.imports import lifecycle, queries
from services.imports.errors import ImportHasErrors, NotASpreadsheet
from services.imports.groups import GroupRef
from services.imports.records import ColumnMapping, ImportStatus
from services.imports.starting import ImportRequest
from services.imports.starting import start_import as start
from services.imports.storage import ByteSource, TextSource
from services.keyset import LIST_PAGE_SIZE

TEMPLATE_PATH = "/templates/contacts.csv"
GROUP_TYPE_NAMES = ("Group", "ContactGroup")


@strawberry.type(description="The file is stored and being checked; poll `import(id)`.")
class ImportStarted:
    import_: Import = strawberry.field(name="import")
    job: Job


@strawberry.type(description="The import is being committed; poll its `commitJob`.")
class ImportConfirmed:
    import_: Import = strawberry.field(name="import")
    job: Job


@strawberry.type
class ImportCancelled:
    import_: Import = strawberry.field(name="import")


@strawberry.type(description="The upload is not a CSV or XLSX file; nothing was stored.")
class NotASpreadsheetError(UserError):
    pass


@strawberry.type(description="An all-or-nothing import with invalid rows imports nothing.")
class ImportHasErrorsError(UserError):
    error_rows: int


StartImportResult = Annotated[
    ImportStarted | NotASpreadsheetError | ValidationError | NotFoundError | LimitReachedError,
    strawberry.union("StartImportResult"),
]
ConfirmImportResult = Annotated[
    ImportConfirmed | ImportHasErrorsError | InvalidStateError | NotFoundError,
    strawberry.union("ConfirmImportResult"),
]
CancelImportResult = Annotated[
    ImportCancelled | InvalidStateError | NotFoundError, strawberry.union("CancelImportResult")
]


def _error(exc: DomainError) -> UserError:
    if isinstance(exc, NotASpreadsheet):
        return NotASpreadsheetError(message=exc.message, code=user_error(exc).code, field=exc.field)
    if isinstance(exc, ImportHasErrors):
        code = user_error(exc).code
        return ImportHasErrorsError(
            message=exc.message, code=code, field=exc.field, error_rows=exc.error_rows
        )
    return user_error(exc)


def _uuid(id: relay.GlobalID, type_name: str, what: str, field: str = "id") -> UUID:
    try:
        if id.type_name != type_name:
            raise ValueError(id.type_name)
        return UUID(id.node_id)
    except ValueError:
        raise NotFound(f"No such {what}.", field=field) from None


def _group(group: ImportGroupInput | None) -> GroupRef | None:
    if group is None:
        return None
    if group.id is None:
        return GroupRef(name=group.name)
    if group.id.type_name not in GROUP_TYPE_NAMES:
        raise NotFound("No such group.", field="group.id")
    return GroupRef(uuid=_uuid(group.id, group.id.type_name, "group", "group.id"), name=group.name)


def _request(input: StartImportInput) -> ImportRequest:
    if (input.file is None) == (input.text is None):
        raise InvalidInput("Give either a `file` or `text`, not both or neither.", field="file")
    # An upload arrives as Starlette's UploadFile, read in pieces like any ByteSource.
    source = (
        cast(ByteSource, input.file) if input.file is not None else TextSource(input.text or "")
    )
    name = getattr(input.file, "filename", None) or input.file_name or "pasted.csv"
    return ImportRequest(
        file_name=name,
        source=source,
        has_header=input.has_header,
        mode=input.mode,
        update_existing=input.update_existing,
        group=_group(input.group),
        flags=input.flags,
        mapping=[ColumnMapping(m.column, m.target) for m in input.mapping],
        create_unknown_fields=input.create_unknown_fields,
    )


async def start_import(info: Info[Context, None], input: StartImportInput) -> StartImportResult:
    caller = info.context.caller
    try:
        started = await start(caller, _request(input))
    except DomainError as exc:
        return _error(exc)  # type: ignore[return-value]
    finally:
        if input.file is not None:
            await cast(UploadFile, input.file).close()
    return ImportStarted(
        import_=Import.from_record(started.record), job=Job.from_model(started.job)
    )


async def confirm_import(info: Info[Context, None], id: relay.GlobalID) -> ConfirmImportResult:
    caller = info.context.caller
    try:
        confirmed = await lifecycle.confirm_import(caller, _uuid(id, "Import", "import"))
    except DomainError as exc:
        return _error(exc)  # type: ignore[return-value]
    return ImportConfirmed(
        import_=Import.from_record(confirmed.record), job=Job.from_model(confirmed.job)
    )


async def cancel_import(info: Info[Context, None], id: relay.GlobalID) -> CancelImportResult:
    caller = info.context.caller
    try:
        cancelled = await lifecycle.cancel_import(caller, _uuid(id, "Import", "import"))
    except DomainError as exc:
        return _error(exc)  # type: ignore[return-value]
    return ImportCancelled(import_=Import.from_record(cancelled))


async def import_(info: Info[Context, None], id: relay.GlobalID) -> Import | None:
    if id.type_name != "Import":
        return None
    return (await Import.resolve_nodes(info=info, node_ids=[id.node_id]))[0]


async def imports_connection(
    info: Info[Context, None],
    status: list[ImportStatus] | None = None,
    first: Annotated[int, strawberry.argument(description=LIST_PAGE_SIZE)] = 20,
    after: str | None = None,
) -> Connection[Import]:
    caller = info.context.caller
    page = await queries.list_imports(caller, statuses=status or (), first=first, after=after)
    return Connection[Import].from_page(page, Import.from_record)


async def import_template(info: Info[Context, None]) -> ImportTemplate:
    caller = info.context.caller
    columns = await queries.template_columns(caller.workspace_id)
    url = str(info.context.request.base_url).rstrip("/") + TEMPLATE_PATH
    return ImportTemplate(columns=columns, csv=queries.template_csv(columns), url=url)
