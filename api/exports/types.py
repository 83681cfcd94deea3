"""Exports in GraphQL: ask for a file of contacts, then download it through an expiring link."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

import api.imports.types  # noqa: F401  (registers FileFormat)
from api.context import Context
from api.jobs.types import Job
from api.relay import nodes_one_by_one
from api.selection.inputs import ContactSelectionInput
from services.exports import retention
from services.exports.links import create_link
from services.exports.records import ExportRecord
from services.exports.starting import find_export
from services.imports.records import FileFormat


@strawberry.type(name="Export", description="A file of contacts, written by a job.")
class Export(relay.Node):
    uuid: relay.NodeID[str]
    format: FileFormat
    file_name: str
    row_count: int = strawberry.field(description="Contacts written; final once the job is done.")
    created_on: datetime
    finished_on: datetime | None
    record: strawberry.Private[ExportRecord]

    @classmethod
    def from_record(cls, record: ExportRecord) -> Export:
        return cls(
            uuid=str(record.uuid),
            format=record.file_format,
            file_name=record.file_name,
            row_count=record.row_count,
            created_on=record.created_on,
            finished_on=record.finished_on,
            record=record,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Export | None]:
        caller = info.context.caller
        return await nodes_one_by_one(
            node_ids, lambda key: find_export(caller, key), cls.from_record
        )

    @strawberry.field
    async def job(self, info: Info[Context, None]) -> Job | None:
        return await Job.load(info, self.record.job_id)

    @strawberry.field(
        description="When the file is deleted (or was): the export has then expired. Null "
        "until the file is written."
    )
    def expires_on(self) -> datetime | None:
        return retention.expires_on(self.record)

    @strawberry.field(
        description="A link to the file that expires; null until the file is written and "
        "once the export has expired. Each request makes a new link."
    )
    async def download_url(self, info: Info[Context, None]) -> str | None:
        if self.record.finished_on is None or retention.has_expired(self.record):
            return None
        link = await create_link(info.context.caller, export_id=self.record.id)
        return str(info.context.request.base_url).rstrip("/") + link.path


@strawberry.input
class StartExportInput:
    selection: ContactSelectionInput
    format: FileFormat = strawberry.field(
        default=FileFormat.CSV,
        description="CSV or XLSX. In CSV, a text a spreadsheet would run as a formula (starting "
        "with =, +, -, @, a tab or a carriage return, and not a plain number such as -5 or "
        "+250788383383) is written with a leading single quote, `'=x`; importing the file "
        "back removes it. XLSX cells are always text, never formulas.",
    )
    groups: list[str] = strawberry.field(
        default_factory=list, description="Group names; each adds a `Group:<name>` column."
    )
