"""What an export is: the frozen request (selection, format, group columns) and its file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from models.enums import ContactStatus
from services.contacts.filters import ContactFilter
from services.contacts.selection import ContactSelection
from services.imports.records import FileFormat


def selection_to_json(selection: ContactSelection) -> dict[str, Any]:
    flt = selection.filter or ContactFilter()
    return {
        "uuids": [str(u) for u in selection.uuids] if selection.uuids is not None else None,
        "statuses": [s.value for s in flt.statuses],
        "any_flag_ids": list(flt.any_flag_ids),
        "all_flag_ids": list(flt.all_flag_ids),
        "group_ids": list(flt.group_ids),
        "search": flt.search,
    }


def selection_from_json(data: dict[str, Any]) -> ContactSelection:
    uuids = [UUID(u) for u in data["uuids"]] if data["uuids"] is not None else None
    flt = ContactFilter(
        statuses=[ContactStatus(s) for s in data["statuses"]],
        any_flag_ids=data["any_flag_ids"],
        all_flag_ids=data["all_flag_ids"],
        group_ids=data["group_ids"],
        search=data["search"],
    )
    return ContactSelection(uuids=uuids, filter=flt)


@dataclass(frozen=True, slots=True)
class GroupColumn:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ExportParams:
    selection: ContactSelection
    query: str | None
    group_columns: tuple[GroupColumn, ...]

    def to_json(self) -> str:
        return json.dumps(
            {
                "selection": selection_to_json(self.selection),
                "query": self.query,
                "group_columns": [[g.id, g.name] for g in self.group_columns],
            }
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExportParams:
        return cls(
            selection=selection_from_json(data["selection"]),
            query=data["query"],
            group_columns=tuple(GroupColumn(i, n) for i, n in data["group_columns"]),
        )


@dataclass(frozen=True, slots=True)
class ExportRecord:
    id: int
    uuid: UUID
    workspace_id: int
    file_format: FileFormat
    file_path: str
    params: ExportParams
    row_count: int
    job_id: int | None
    created_by_id: int | None
    created_on: datetime
    finished_on: datetime | None
    expired_on: datetime | None = None  # when the file was deleted

    @property
    def file_name(self) -> str:
        return f"contacts-{self.created_on:%Y-%m-%d}.{self.file_format.value}"

    @classmethod
    def from_row(cls, row: Any) -> ExportRecord:
        return cls(
            id=row["id"],
            uuid=row["uuid"],
            workspace_id=row["workspace_id"],
            file_format=FileFormat(row["file_format"]),
            file_path=row["file_path"],
            params=ExportParams.from_json(json.loads(row["params"])),
            row_count=row["row_count"],
            job_id=row["job_id"],
            created_by_id=row["created_by_id"],
            created_on=row["created_on"],
            finished_on=row["finished_on"],
            expired_on=row["expired_on"],
        )
