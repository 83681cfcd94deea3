"""The imports domain's own error types, answering its services' failures."""

from __future__ import annotations

import strawberry

from api.errors import UserError, register_error_type
from services.imports.errors import ImportHasErrors, NotASpreadsheet


@strawberry.type(description="The upload is not a CSV or XLSX file; nothing was stored.")
class NotASpreadsheetError(UserError):
    pass


@strawberry.type(description="An all-or-nothing import with invalid rows imports nothing.")
class ImportHasErrorsError(UserError):
    error_rows: int


register_error_type(
    NotASpreadsheet,
    NotASpreadsheetError,
    lambda exc: NotASpreadsheetError(message=exc.message, code=exc.code, field=exc.field),
)
register_error_type(
    ImportHasErrors,
    ImportHasErrorsError,
    lambda exc: ImportHasErrorsError(
        message=exc.message, code=exc.code, field=exc.field, error_rows=exc.error_rows
    ),
)
