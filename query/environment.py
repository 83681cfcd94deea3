"""What a workspace contributes to reading a query: its settings, fields, groups and flags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from uuid import UUID
from zoneinfo import ZoneInfo

from models.enums import DateFormat, FieldType, GroupKind


@dataclass(frozen=True, slots=True)
class FieldInfo:
    uuid: UUID
    key: str
    name: str
    value_type: FieldType
    id: int  # what contact_search keys the field's readings by
    readings_stale: bool = False  # its readings are being redone after a type change


@dataclass(frozen=True, slots=True)
class GroupInfo:
    id: int
    name: str
    kind: GroupKind


@dataclass(frozen=True, slots=True)
class FlagInfo:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class QueryEnvironment:
    """`fields` is keyed by lowercase field key; `groups` and `flags` by lowercase name."""

    workspace_id: int
    country: str
    timezone: ZoneInfo
    date_format: DateFormat
    anonymous: bool = False
    fields: Mapping[str, FieldInfo] = field(default_factory=dict)
    groups: Mapping[str, GroupInfo] = field(default_factory=dict)
    flags: Mapping[str, FlagInfo] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        workspace_id: int,
        country: str,
        timezone: ZoneInfo,
        date_format: DateFormat,
        anonymous: bool = False,
        fields: Iterable[FieldInfo] = (),
        groups: Iterable[GroupInfo] = (),
        flags: Iterable[FlagInfo] = (),
    ) -> QueryEnvironment:
        return cls(
            workspace_id=workspace_id,
            country=country,
            timezone=timezone,
            date_format=date_format,
            anonymous=anonymous,
            fields={f.key.lower(): f for f in fields},
            groups={g.name.lower(): g for g in groups},
            flags={f.name.lower(): f for f in flags},
        )
