"""Imports in GraphQL: the preview a person acts on, and the inputs to start one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload
from strawberry.types import Info

import api.common  # noqa: F401  (registers the shared enums first)
from api.common import PageInfo
from api.context import Context
from api.jobs.types import Job
from api.relay import node_uuid, nodes_one_by_one
from api.text_input import RefuseNul
from services.errors import InvalidInput, NotFound
from services.exports.links import create_link
from services.imports import queries
from services.imports.groups import GroupRef
from services.imports.records import (
    ColumnMapping,
    ColumnState,
    ErrorFilter,
    FileFormat,
    ImportMode,
    ImportRecord,
    ImportStatus,
    RowErrorCode,
)
from services.imports.starting import ImportRequest
from services.imports.storage import ByteSource, TextSource
from services.keyset import SortKey, decode_cursor, encode_cursor

strawberry.enum(ImportStatus, name="ImportStatus")
strawberry.enum(ImportMode, name="ImportMode")
strawberry.enum(FileFormat, name="FileFormat")
strawberry.enum(ColumnState, name="ImportColumnState")
strawberry.enum(
    RowErrorCode,
    name="ImportRowErrorCode",
    description=(
        "Why a row is not imported. MISSING_NAME: neither a name nor an address. "
        "INVALID_VALUE: a cell that cannot be read as what its column fills. EXTRA_CELLS: more "
        "filled cells than the header has columns. BINARY_DATA: a NUL character. "
        "DUPLICATE_ROW: repeats an earlier row's address or matched contact (`duplicateOf`). "
        "UNKNOWN_UUID: no contact of the workspace has it. ADDRESS_TAKEN: an address belongs to "
        "another contact. ADDRESS_CONFLICT: the addresses belong to different contacts. "
        "CONTACT_DELETED: the matched contact was deleted after the preview."
    ),
)

ROW_CURSOR = SortKey("row", "text", nullable=True)
GROUP_TYPE_NAMES = ("Group", "ContactGroup")


@strawberry.type(description="A column of the file and what it fills.")
class ImportColumn:
    index: int = strawberry.field(description="0-based position in the file.")
    header: str = strawberry.field(description="As written, or `Column <n>` without a header.")
    state: ColumnState
    target: str | None = strawberry.field(
        description="What it fills, written as in headers: `name`, `URN:tel`, `Field:age`."
    )
    reason: str | None = strawberry.field(description="Why it is unmatched or ignored.")


@strawberry.type
class ImportCounts:
    rows: int = strawberry.field(description="Rows with data; blank rows are not counted.")
    blank_rows: int = strawberry.field(description="Blank rows, skipped.")
    valid: int
    to_create: int
    to_update: int = strawberry.field(
        description="Rows matching a contact (by uuid, else address) that takes their values; "
        "one whose values the contact already has changes nothing and is counted in "
        "`skipped` after the commit."
    )
    to_skip: int = strawberry.field(
        description="Rows matching a contact that is left as it is (updateExisting off)."
    )
    errors: int = strawberry.field(
        description="Rows that are not imported, duplicates included; after the commit also "
        "rows that became invalid since the preview."
    )
    duplicates: int = strawberry.field(description="Rows repeating an earlier row of the file.")
    created: int
    updated: int
    skipped: int = strawberry.field(
        description="Matched contacts left as they were: nothing to change, or updateExisting off."
    )


@strawberry.type
class ImportCellError:
    code: RowErrorCode
    column: str | None = strawberry.field(description="None when the whole row is at fault.")
    value: str | None
    message: str


@strawberry.type(description="A row that will not be imported, with every reason.")
class ImportRowError:
    row: int = strawberry.field(description="As a spreadsheet numbers it; the header is row 1.")
    duplicate_of: int | None = strawberry.field(description="The earlier row it repeats.")
    errors: list[ImportCellError]


@strawberry.type(description="How many rows have a problem of one kind in one column.")
class ImportErrorTally:
    code: RowErrorCode
    column: str | None = strawberry.field(description="None for problems of the whole row.")
    rows: int


@strawberry.type
class ImportRowErrorEdge:
    cursor: str
    node: ImportRowError


@strawberry.type
class ImportRowErrorConnection:
    edges: list[ImportRowErrorEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(name="Import", description="An uploaded file: its preview, then its result.")
class Import(relay.Node):
    uuid: relay.NodeID[str]
    status: ImportStatus
    file_name: str
    format: FileFormat
    mode: ImportMode
    has_header: bool
    update_existing: bool
    group_name: str | None
    flags: list[str]
    columns: list[ImportColumn]
    unmatched_headers: list[str]
    counts: ImportCounts
    failure: str | None = strawberry.field(description="Why the file could not be imported.")
    created_on: datetime
    validated_on: datetime | None
    finished_on: datetime | None
    record: strawberry.Private[ImportRecord]

    @classmethod
    def from_record(cls, record: ImportRecord) -> Import:
        options, counts = record.options, record.counts
        return cls(
            uuid=str(record.uuid),
            status=record.status,
            file_name=record.file_name,
            format=record.file_format,
            mode=options.mode,
            has_header=options.has_header,
            update_existing=options.update_existing,
            group_name=options.group_name,
            flags=list(options.flags),
            columns=[
                ImportColumn(
                    index=c.index, header=c.header, state=c.state, target=c.target, reason=c.reason
                )
                for c in record.columns
            ],
            unmatched_headers=record.unmatched_headers,
            counts=ImportCounts(
                rows=counts.total_rows,
                blank_rows=counts.blank_rows,
                valid=counts.valid_rows,
                to_create=counts.create_rows,
                to_update=counts.update_rows,
                to_skip=counts.skip_rows,
                errors=counts.error_rows + counts.late_errors,
                duplicates=counts.duplicate_rows,
                created=counts.created,
                updated=counts.updated,
                skipped=counts.unchanged,
            ),
            failure=record.failure,
            created_on=record.created_on,
            validated_on=record.validated_on,
            finished_on=record.finished_on,
            record=record,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Import | None]:
        caller = info.context.caller
        return await nodes_one_by_one(
            node_ids, lambda key: queries.find_import(caller, key), cls.from_record
        )

    @strawberry.field(
        description="The rows that will not be imported, in row order; with `code` or "
        "`column`, only those with such a problem.",
        extensions=[RefuseNul()],
    )
    async def errors(
        self,
        first: int = 50,
        after: str | None = None,
        code: RowErrorCode | None = None,
        column: str | None = None,
    ) -> ImportRowErrorConnection:
        after_row = decode_cursor(after, ROW_CURSOR).id if after else 0
        first = max(0, min(first, queries.MAX_ERROR_PAGE))
        only = ErrorFilter(code, column)
        rows = await queries.error_rows(self.record, after_row=after_row, first=first, only=only)
        page = rows[:first]
        edges = [
            ImportRowErrorEdge(
                cursor=encode_cursor(None, r.row),
                node=ImportRowError(
                    row=r.row,
                    duplicate_of=r.duplicate_of,
                    errors=[
                        ImportCellError(
                            code=p.code, column=p.column, value=p.value, message=p.message
                        )
                        for p in r.problems
                    ],
                ),
            )
            for r in page
        ]
        return ImportRowErrorConnection(
            edges=edges,
            page_info=PageInfo.of(
                [e.cursor for e in edges],
                has_next=len(rows) > len(page),
                has_previous=after is not None,
            ),
            total_count=await queries.error_row_count(self.record, only),
        )

    @strawberry.field(
        description="The rows not imported, counted by kind of problem and column, most rows "
        "first: what to fix in the file."
    )
    def error_summary(self) -> list[ImportErrorTally]:
        return [
            ImportErrorTally(code=t.code, column=t.column, rows=t.rows)
            for t in self.record.error_tally
        ]

    @strawberry.field(
        description="When the uploaded file and the error rows kept from it were deleted, "
        "after their retention period; null while they are kept."
    )
    def files_expired_on(self) -> datetime | None:
        return self.record.file_expired_on

    @strawberry.field(description="The validation job, then the commit job once confirmed.")
    async def validation_job(self, info: Info[Context, None]) -> Job | None:
        return await Job.load(info, self.record.validate_job_id)

    @strawberry.field
    async def commit_job(self, info: Info[Context, None]) -> Job | None:
        return await Job.load(info, self.record.commit_job_id)

    @strawberry.field(
        description="A link to a CSV of the rows not imported, with an `error` column; it "
        "expires. Null when every row is fine, or once the upload has been deleted after its "
        "retention period (`filesExpiredOn`)."
    )
    async def error_file_url(self, info: Info[Context, None]) -> str | None:
        counts = self.record.counts
        if counts.error_rows + counts.late_errors == 0 or self.record.file_expired_on:
            return None
        link = await create_link(info.context.caller, import_id=self.record.id)
        return str(info.context.request.base_url).rstrip("/") + link.path


@strawberry.type(description="The header row of the file to fill in.")
class ImportTemplate:
    columns: list[str]
    csv: str
    url: str = strawberry.field(description="Where to download it; send your API token.")
    aliases: list[HeaderAlias] = strawberry.field(
        description="Other headers read as a template column (case, spaces, dashes and "
        "underscores aside); first_name and last_name columns are joined into the name."
    )


@strawberry.type(description="A header other tools or people write, and the column it fills.")
class HeaderAlias:
    header: str
    column: str


@strawberry.input(description="An existing manual group (`id`) or a group by `name`.")
class ImportGroupInput:
    id: strawberry.ID | None = None
    name: str | None = strawberry.field(
        default=None, description="An existing group of that name, else a new manual group."
    )

    def to_ref(self) -> GroupRef:
        if self.id is None:
            return GroupRef(name=self.name)
        uuid = node_uuid(self.id, *GROUP_TYPE_NAMES)
        if uuid is None:
            raise NotFound("No such group.", field="group.id")
        return GroupRef(uuid=uuid, name=self.name)


@strawberry.input
class ColumnMappingInput:
    column: str = strawberry.field(description="The header, or `Column <n>` without a header.")
    target: str = strawberry.field(
        description="`name`, `phone`, `URN:<scheme>`, `Field:<name or key>`, `uuid`, ... or "
        "`ignore`."
    )


@strawberry.input(description="Exactly one of `file` (multipart upload) and `text` (CSV).")
class StartImportInput:
    file: Upload | None = None
    text: str | None = None
    file_name: str | None = strawberry.field(default=None, description="For pasted text.")
    has_header: bool = True
    group: ImportGroupInput | None = None
    flags: list[str] = strawberry.field(default_factory=list, description="Added to every row.")
    update_existing: bool = strawberry.field(
        default=True,
        description="Update contacts that rows match (by uuid, else address); when false they "
        "keep their values and only join the group.",
    )
    mode: ImportMode = ImportMode.VALID_ROWS_ONLY
    mapping: list[ColumnMappingInput] = strawberry.field(default_factory=list)
    create_unknown_fields: bool = strawberry.field(
        default=False, description="`Field:` columns naming no field create text fields."
    )

    def to_request(self) -> ImportRequest:
        if (self.file is None) == (self.text is None):
            raise InvalidInput("Give either a `file` or `text`, not both or neither.", field="file")
        # An upload arrives as Starlette's UploadFile, read in pieces like any ByteSource.
        source = (
            cast(ByteSource, self.file) if self.file is not None else TextSource(self.text or "")
        )
        return ImportRequest(
            file_name=getattr(self.file, "filename", None) or self.file_name or "pasted.csv",
            source=source,
            has_header=self.has_header,
            mode=self.mode,
            update_existing=self.update_existing,
            group=None if self.group is None else self.group.to_ref(),
            flags=self.flags,
            mapping=[ColumnMapping(m.column, m.target) for m in self.mapping],
            create_unknown_fields=self.create_unknown_fields,
        )
