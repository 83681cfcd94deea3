"""What an import is: its states, options, columns and counts, as plain read models."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID


class ImportStatus(StrEnum):
    UPLOADED = "uploaded"
    VALIDATING = "validating"
    PREVIEWED = "previewed"
    COMMITTING = "committing"
    COMMITTED = "committed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class ImportMode(StrEnum):
    VALID_ROWS_ONLY = "valid_rows_only"
    ALL_OR_NOTHING = "all_or_nothing"


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class RowAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"
    ERROR = "error"


class RowErrorCode(StrEnum):
    """Why a row will not be imported, for a program to act on; the message says it to a person."""

    MISSING_NAME = "missing_name"  # neither a name nor an address
    INVALID_VALUE = "invalid_value"  # a cell that cannot be read as what its column fills
    EXTRA_CELLS = "extra_cells"  # more filled cells than the header has columns
    BINARY_DATA = "binary_data"  # a NUL character: no value may hold one
    DUPLICATE_ROW = "duplicate_row"  # repeats an earlier row's address or matched contact
    UNKNOWN_UUID = "unknown_uuid"
    ADDRESS_TAKEN = "address_taken"  # an address of the row belongs to another contact
    ADDRESS_CONFLICT = "address_conflict"  # the row's addresses belong to different contacts
    CONTACT_DELETED = "contact_deleted"  # the matched contact was deleted after the preview


class ColumnState(StrEnum):
    MATCHED = "matched"
    IGNORED = "ignored"
    UNMATCHED = "unmatched"


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """An explicit choice: the file's column (header text, or `Column <n>`) and its target."""

    column: str
    target: str


@dataclass(frozen=True, slots=True)
class ImportOptions:
    has_header: bool = True
    mode: ImportMode = ImportMode.VALID_ROWS_ONLY
    update_existing: bool = True
    group_id: int | None = None
    group_name: str | None = None
    flags: tuple[str, ...] = ()
    mapping: tuple[ColumnMapping, ...] = ()
    create_unknown_fields: bool = False

    def to_json(self) -> str:
        return json.dumps(
            {
                "has_header": self.has_header,
                "mode": self.mode.value,
                "update_existing": self.update_existing,
                "group_id": self.group_id,
                "group_name": self.group_name,
                "flags": list(self.flags),
                "mapping": [[m.column, m.target] for m in self.mapping],
                "create_unknown_fields": self.create_unknown_fields,
            }
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportOptions:
        return cls(
            has_header=bool(data["has_header"]),
            mode=ImportMode(data["mode"]),
            update_existing=bool(data["update_existing"]),
            group_id=data["group_id"],
            group_name=data["group_name"],
            flags=tuple(data["flags"]),
            mapping=tuple(ColumnMapping(c, t) for c, t in data["mapping"]),
            create_unknown_fields=bool(data["create_unknown_fields"]),
        )


@dataclass(frozen=True, slots=True)
class ImportColumn:
    """One column of the file and what it was matched to (`target` as written in headers)."""

    index: int
    header: str
    state: ColumnState
    target: str | None = None
    reason: str | None = None
    new_field: str | None = None  # the name of a text field the commit creates for it

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "header": self.header,
            "state": self.state.value,
            "target": self.target,
            "reason": self.reason,
            "new_field": self.new_field,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportColumn:
        return cls(
            index=data["index"],
            header=data["header"],
            state=ColumnState(data["state"]),
            target=data["target"],
            reason=data["reason"],
            new_field=data.get("new_field"),
        )


@dataclass(frozen=True, slots=True)
class ImportCounts:
    total_rows: int = 0
    blank_rows: int = 0
    create_rows: int = 0
    update_rows: int = 0
    skip_rows: int = 0
    error_rows: int = 0
    duplicate_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    late_errors: int = 0

    @property
    def valid_rows(self) -> int:
        return self.create_rows + self.update_rows + self.skip_rows


@dataclass(frozen=True, slots=True)
class ImportRecord:
    id: int
    uuid: UUID
    workspace_id: int
    status: ImportStatus
    file_name: str
    file_format: FileFormat
    file_path: str
    file_size: int
    options: ImportOptions
    columns: list[ImportColumn]
    failure: str | None
    counts: ImportCounts
    group_id: int | None
    validate_job_id: int | None
    commit_job_id: int | None
    created_by_id: int | None
    created_on: datetime
    validated_on: datetime | None
    finished_on: datetime | None
    # The field types the staged search readings were computed by (field id -> type).
    reading_types: dict[int, str] | None = None
    file_expired_on: datetime | None = None  # when the retention clean-up deleted the upload
    error_tally: tuple[ErrorTally, ...] = ()

    @property
    def unmatched_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.state is ColumnState.UNMATCHED]

    @classmethod
    def from_row(cls, row: Any) -> ImportRecord:
        return cls(
            id=row["id"],
            uuid=row["uuid"],
            workspace_id=row["workspace_id"],
            status=ImportStatus(row["status"]),
            file_name=row["file_name"],
            file_format=FileFormat(row["file_format"]),
            file_path=row["file_path"],
            file_size=row["file_size"],
            options=ImportOptions.from_json(json.loads(row["options"])),
            columns=[ImportColumn.from_dict(c) for c in json.loads(row["columns"])],
            failure=row["failure"],
            counts=ImportCounts(
                total_rows=row["total_rows"],
                blank_rows=row["blank_rows"],
                create_rows=row["create_rows"],
                update_rows=row["update_rows"],
                skip_rows=row["skip_rows"],
                error_rows=row["error_rows"],
                duplicate_rows=row["duplicate_rows"],
                created=row["created_count"],
                updated=row["updated_count"],
                unchanged=row["unchanged_count"],
                late_errors=row["late_error_count"],
            ),
            group_id=row["group_id"],
            validate_job_id=row["validate_job_id"],
            commit_job_id=row["commit_job_id"],
            created_by_id=row["created_by_id"],
            created_on=row["created_on"],
            validated_on=row["validated_on"],
            finished_on=row["finished_on"],
            reading_types=(
                {int(k): v for k, v in json.loads(row["reading_types"]).items()}
                if row["reading_types"] is not None
                else None
            ),
            file_expired_on=row["file_expired_on"],
            error_tally=tuple(
                ErrorTally(RowErrorCode(t["code"]), t["column"], t["rows"])
                for t in json.loads(row["error_tally"])
            ),
        )


IMPORT_COLUMNS = (
    "id, uuid, workspace_id, status, file_name, file_format, file_path, file_size, options, "
    "columns, failure, total_rows, blank_rows, create_rows, update_rows, skip_rows, error_rows, "
    "duplicate_rows, created_count, updated_count, unchanged_count, late_error_count, group_id, "
    "validate_job_id, commit_job_id, created_by_id, created_on, validated_on, finished_on, "
    "reading_types, file_expired_on, error_tally"
)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a cell or a row cannot be imported; `column` is None for the whole row."""

    code: RowErrorCode
    column: str | None
    value: str | None
    message: str


@dataclass(frozen=True, slots=True)
class ErrorFilter:
    """Error rows with a problem of this code and (or) in this column; None matches any."""

    code: RowErrorCode | None = None
    column: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.code is None and self.column is None


ANY_ERROR = ErrorFilter()


@dataclass(frozen=True, slots=True)
class ErrorTally:
    """How many rows have a problem of `code` in `column` (None: the whole row)."""

    code: RowErrorCode
    column: str | None
    rows: int


@dataclass(frozen=True, slots=True)
class RowErrors:
    """A row that will not be imported; `duplicate_of` is the earlier row it repeats."""

    row: int
    problems: list[RowProblem]
    duplicate_of: int | None = None
