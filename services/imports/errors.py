"""Import failures a person can act on."""

from __future__ import annotations

from services.errors import InvalidInput, InvalidState


class NotASpreadsheet(InvalidInput):
    """The upload cannot be read as a CSV or XLSX file; nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


class ImportHasErrors(InvalidState):
    """All-or-nothing imports refuse to start while any row is invalid."""

    def __init__(self, error_rows: int) -> None:
        rows = "1 row has" if error_rows == 1 else f"{error_rows} rows have"
        super().__init__(
            f"{rows} errors, and this import is all-or-nothing: nothing will be imported. "
            "Download the error rows, fix them and upload the file again.",
            field="id",
        )
        self.error_rows = error_rows


class FileProblem(Exception):
    """The file turned out unreadable part-way (bad encoding, broken quoting); the import fails."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileTooLarge(FileProblem):
    """The file passes one of the import file limits (`limit` names the setting): its unzipped
    size, a cell's length, a row's columns (core/settings.py) or the workspace's largest
    import. Found while reading, before the file's memory or staged rows could grow."""

    def __init__(self, message: str, *, limit: str) -> None:
        super().__init__(message)
        self.limit = limit
