"""Reading one file row into normalized contact values; runs in worker processes.

Everything here is plain data in, plain data out (picklable), with no database access. An empty
cell leaves a value unchanged; `--` clears it.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from models.enums import ContactStatus, DateFormat
from normalize.errors import InvalidValue
from normalize.urns import Scheme, format_urn, normalize_path
from services.clear_mark import CLEAR_MARK
from services.contacts.attributes import (
    clean_country,
    clean_language,
    clean_name,
    clean_notes,
    clean_text,
)
from services.errors import InvalidInput
from services.fields.values import FieldDefinition, read_value
from services.flags.definitions import clean_flag_name
from services.imports.columns import NAME_PARTS, Target, TargetKind
from services.imports.records import RowErrorCode
from services.imports.row_readings import reading_entry, readings_object

CLEAR = CLEAR_MARK
STATUSES = ", ".join(s.value for s in ContactStatus)
MISSING_NAME = "missing name: a row needs a name or at least one address"
NUL_IN_ROW = "holds a NUL character (binary data), which no value may contain"


class CellError(NamedTuple):
    code: RowErrorCode
    column: str | None
    value: str | None
    message: str


class NormalizedRow(NamedTuple):
    row: int
    uuid: str | None
    attributes: dict[str, str]
    cleared: tuple[str, ...]  # attribute names, "flags", and "urn:<scheme>" for addresses
    urns: tuple[str, ...]
    fields: str | None  # JSON object: by field key, every reading of the value
    cleared_fields: tuple[str, ...]
    flags: tuple[str, ...]
    errors: tuple[CellError, ...]
    readings: str | None  # contact_search readings of `fields`, None if unknown


@dataclass(frozen=True, slots=True)
class RowRules:
    targets: tuple[Target | None, ...]
    labels: tuple[str, ...]
    country: str
    date_format: DateFormat
    timezone: str
    fields: Mapping[str, FieldDefinition]


def _clean_status(text: str) -> str:
    status = text.strip().lower()
    if status not in {s.value for s in ContactStatus}:
        raise InvalidInput(f'"{text}" is not a contact status: use {STATUSES}.')
    return status


_ATTRIBUTE_CLEANERS: dict[str, Callable[[str], str | None]] = {
    "name": clean_name,
    "language": clean_language,
    "country": clean_country,
    "notes": clean_notes,
    "status": _clean_status,
    "company": lambda v: clean_text(v, field="company"),
    "job_title": lambda v: clean_text(v, field="job_title"),
    "state": lambda v: clean_text(v, field="state"),
}


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class FieldReading(NamedTuple):
    stored: dict[str, Any]  # shared between rows: never changed
    member: str  # `"<key>": <stored as JSON>`, a member of the row's fields object
    reading: str | None  # see reading_entry


@lru_cache(maxsize=16_384)
def _reading(
    text: str, field: FieldDefinition, date_format: DateFormat, timezone: str
) -> FieldReading:
    """Field columns repeat few values (cities, plans, ages): each is read once per process."""
    stored = read_value(text, field=field, date_format=date_format, tz=_zone(timezone))
    member = f"{json.dumps(field.key)}: {json.dumps(stored)}"
    return FieldReading(stored, member, reading_entry(field, stored))


class _RowBuilder:
    def __init__(self, rules: RowRules, number: int) -> None:
        self.rules = rules
        self.number = number
        self.uuid: str | None = None
        self.attributes: dict[str, str] = {}
        self.cleared: list[str] = []
        self.urns: list[str] = []
        self.fields: dict[str, FieldReading] = {}
        self.cleared_fields: list[str] = []
        self.flags: dict[str, str] = {}
        self.name_parts: dict[str, str] = {}
        self.errors: list[CellError] = []

    def _uuid(self, target: Target, text: str) -> None:
        if text == CLEAR:
            raise InvalidInput(f'"{CLEAR}" cannot clear a UUID: leave the cell empty.')
        self.uuid = str(uuidlib.UUID(text))

    def _attribute(self, target: Target, text: str) -> None:
        if text == CLEAR and target.key == "status":
            raise InvalidInput(f'"{CLEAR}" cannot clear the status: use {STATUSES}.')
        cleaned = None if text == CLEAR else _ATTRIBUTE_CLEANERS[target.key](text)
        if cleaned is None:
            self.cleared.append(target.key)
        else:
            self.attributes[target.key] = cleaned

    def _urn(self, target: Target, text: str) -> None:
        if text == CLEAR:
            self.cleared.append(f"urn:{target.key}")
            return
        scheme = Scheme(target.key)
        urn = format_urn(scheme, normalize_path(scheme, text, country=self.rules.country))
        if urn not in self.urns:
            self.urns.append(urn)

    def _field(self, target: Target, text: str) -> None:
        if text == CLEAR:
            self.cleared_fields.append(target.key)
            return
        rules = self.rules
        field = rules.fields[target.key]
        self.fields[target.key] = _reading(text, field, rules.date_format, rules.timezone)

    def _flags(self, target: Target, text: str) -> None:
        if text == CLEAR:
            self.cleared.append("flags")
            return
        for piece in text.split(","):
            if piece.strip():
                name = clean_flag_name(piece)
                self.flags.setdefault(name.lower(), name)

    def _name_part(self, target: Target, text: str) -> None:
        if text == CLEAR:
            raise InvalidInput(f'"{CLEAR}" cannot clear part of a name: clear the name column.')
        self.name_parts[target.key] = text

    def _join_name_parts(self) -> None:
        """First and last name columns make the name, unless a name column gives one."""
        if not self.name_parts or "name" in self.attributes or "name" in self.cleared:
            return
        joined = " ".join(self.name_parts[k] for k in NAME_PARTS if k in self.name_parts)
        try:
            name = clean_name(joined)
        except (InvalidValue, InvalidInput) as exc:
            self.errors.append(CellError(RowErrorCode.INVALID_VALUE, "name", joined, str(exc)))
            return
        if name is not None:
            self.attributes["name"] = name

    def build(self) -> NormalizedRow:
        self._join_name_parts()
        if not self.errors and not (self.uuid or self.urns or self.attributes.get("name")):
            self.errors.append(CellError(RowErrorCode.MISSING_NAME, None, None, MISSING_NAME))
        return NormalizedRow(
            self.number,
            self.uuid,
            self.attributes,
            tuple(self.cleared),
            tuple(self.urns),
            "{" + ", ".join(v.member for v in self.fields.values()) + "}" if self.fields else None,
            tuple(self.cleared_fields),
            tuple(self.flags.values()),
            tuple(self.errors),
            readings_object(v.reading for v in self.fields.values()),
        )


def _message(exc: Exception, target: Target, text: str) -> str:
    if isinstance(exc, InvalidValue | InvalidInput):
        return str(exc)
    if target.kind is TargetKind.UUID:
        return f'"{text}" is not a UUID'
    return f'"{text}" cannot be read: {exc}'


_READERS: dict[TargetKind, Callable[[_RowBuilder, Target, str], None]] = {
    TargetKind.UUID: _RowBuilder._uuid,
    TargetKind.ATTRIBUTE: _RowBuilder._attribute,
    TargetKind.URN: _RowBuilder._urn,
    TargetKind.FIELD: _RowBuilder._field,
    TargetKind.FLAGS: _RowBuilder._flags,
    TargetKind.NAME_PART: _RowBuilder._name_part,
}


def normalize_row(rules: RowRules, number: int, cells: Sequence[str]) -> NormalizedRow | None:
    """None for a blank row."""
    joined = "".join(cells)
    if not joined.strip():
        return None
    row = _RowBuilder(rules, number)
    if "\x00" in joined:  # no text column can store it: keep none of the row's values
        row.errors.append(CellError(RowErrorCode.BINARY_DATA, None, None, NUL_IN_ROW))
        return row.build()
    width = len(rules.targets)
    if any(cell.strip() for cell in cells[width:]):
        row.errors.append(
            CellError(
                RowErrorCode.EXTRA_CELLS,
                None,
                None,
                f"has {len(cells)} cells but the header has {width} columns",
            )
        )
    for index, target in enumerate(rules.targets):
        if target is None or index >= len(cells):
            continue
        text = cells[index].strip()
        if not text:
            continue
        try:
            _READERS[target.kind](row, target, text)
        except (InvalidValue, InvalidInput, ValueError) as exc:
            row.errors.append(
                CellError(
                    RowErrorCode.INVALID_VALUE,
                    rules.labels[index],
                    text,
                    _message(exc, target, text),
                )
            )
    return row.build()
