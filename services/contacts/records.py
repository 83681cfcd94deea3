"""Plain read models returned by services; GraphQL types are built from these, never from rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from models.enums import ActorKind, ContactSource, ContactStatus, EventKind

CONTACT_COLUMNS = (
    "c.id, c.uuid, c.name, c.language, c.status, c.company, c.job_title, c.country, c.state, "
    "c.notes, c.source, c.fields, c.created_on, c.modified_on, c.last_seen_on"
)


@dataclass(frozen=True, slots=True)
class ContactRecord:
    id: int
    uuid: UUID
    name: str | None
    language: str | None
    status: ContactStatus
    company: str | None
    job_title: str | None
    country: str | None
    state: str | None
    notes: str | None
    source: ContactSource
    field_values: dict[str, Any]
    created_on: datetime
    modified_on: datetime
    last_seen_on: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> ContactRecord:
        values = row["fields"]
        if isinstance(values, str):
            import json

            values = json.loads(values)
        return cls(
            id=row["id"],
            uuid=row["uuid"],
            name=row["name"],
            language=row["language"],
            status=ContactStatus(row["status"]),
            company=row["company"],
            job_title=row["job_title"],
            country=row["country"],
            state=row["state"],
            notes=row["notes"],
            source=ContactSource(row["source"]),
            field_values=values or {},
            created_on=row["created_on"],
            modified_on=row["modified_on"],
            last_seen_on=row["last_seen_on"],
        )


@dataclass(frozen=True, slots=True)
class URNRecord:
    contact_id: int
    scheme: str
    path: str
    priority: int

    @property
    def identity(self) -> str:
        return f"{self.scheme}:{self.path}"


@dataclass(frozen=True, slots=True)
class FlagRecord:
    id: int
    uuid: UUID
    name: str


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: int
    contact_uuid: UUID
    kind: EventKind
    data: dict[str, Any]
    actor_kind: ActorKind
    member_id: int | None
    job_id: int | None
    created_on: datetime
