"""What a file row changes on the contact it matched, with the history events to write.

Empty cells were dropped at validation (they leave values unchanged); cleared names remove
values. Addresses in the file are added to the contact's (a cleared scheme removes the
contact's other addresses of that scheme); flags are added (a cleared `flags` cell removes
the flags not in the file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from models.enums import EventKind
from services.contacts.history import PendingEvent

ATTRIBUTES = ("name", "language", "company", "job_title", "country", "state", "notes")


@dataclass(frozen=True, slots=True)
class FlagRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ContactBefore:
    id: int
    uuid: UUID
    attributes: dict[str, str | None]
    status: str
    fields: dict[str, Any]  # by field uuid
    urns: list[str]
    flags: list[FlagRef]


@dataclass(frozen=True, slots=True)
class RowValues:
    attributes: dict[str, str]
    status: str | None
    cleared: frozenset[str]
    urns: Sequence[str]
    fields: dict[str, dict[str, Any]]  # by field key
    cleared_fields: Sequence[str]
    flags: Sequence[str]


@dataclass(slots=True)
class ContactUpdate:
    contact_id: int
    attributes: dict[str, str | None]
    status: str
    fields: dict[str, Any]
    urns_added: list[str] = field(default_factory=list)
    urns_removed: list[str] = field(default_factory=list)
    flags_added: list[FlagRef] = field(default_factory=list)
    flags_removed: list[FlagRef] = field(default_factory=list)
    events: list[PendingEvent] = field(default_factory=list)


def _event(before: ContactBefore, kind: EventKind, data: dict[str, Any]) -> PendingEvent:
    return PendingEvent(before.id, before.uuid, kind, data)


class Differ:
    def __init__(
        self,
        *,
        field_uuids: Mapping[str, str],
        flags: Mapping[str, FlagRef],
        import_flags: Sequence[str],
    ) -> None:
        self.field_uuids = field_uuids
        self.field_keys = {uuid: key for key, uuid in field_uuids.items()}
        self.flags = flags  # by lowercase name
        self.import_flags = import_flags

    def diff(self, before: ContactBefore, row: RowValues) -> ContactUpdate:
        changes: dict[str, dict[str, Any]] = {}
        attributes = dict(before.attributes)
        for name in ATTRIBUTES:
            value = None if name in row.cleared else row.attributes.get(name, attributes[name])
            if value != attributes[name]:
                changes[name] = {"from": attributes[name], "to": value}
                attributes[name] = value
        fields = dict(before.fields)
        for key, reading in row.fields.items():
            uuid = self.field_uuids[key]
            was = (fields.get(uuid) or {}).get("text")
            if was != reading["text"]:
                changes[f"fields.{key}"] = {"from": was, "to": reading["text"]}
            fields[uuid] = reading
        for key in row.cleared_fields:
            removed = fields.pop(self.field_uuids[key], None)
            if removed is not None:
                changes[f"fields.{key}"] = {"from": removed.get("text"), "to": None}
        update = ContactUpdate(before.id, attributes, row.status or before.status, fields)
        if changes:
            update.events.append(_event(before, EventKind.UPDATED, {"changes": changes}))
        if update.status != before.status:
            data = {"from": before.status, "to": update.status}
            update.events.append(_event(before, EventKind.STATUS_CHANGED, data))
        self._diff_urns(before, row, update)
        self._diff_flags(before, row, update)
        return update

    def _diff_urns(self, before: ContactBefore, row: RowValues, update: ContactUpdate) -> None:
        cleared_schemes = {c.removeprefix("urn:") for c in row.cleared if c.startswith("urn:")}
        update.urns_removed = [
            urn
            for urn in before.urns
            if urn.split(":", 1)[0] in cleared_schemes and urn not in row.urns
        ]
        update.urns_added = [urn for urn in row.urns if urn not in before.urns]
        for urn in update.urns_removed:
            update.events.append(_event(before, EventKind.URN_REMOVED, {"urn": urn}))
        for urn in update.urns_added:
            update.events.append(_event(before, EventKind.URN_ADDED, {"urn": urn}))

    def _diff_flags(self, before: ContactBefore, row: RowValues, update: ContactUpdate) -> None:
        wanted = {n.lower() for n in (*row.flags, *self.import_flags)}
        held = {f.name.lower() for f in before.flags}
        update.flags_added = [self.flags[n] for n in sorted(wanted - held)]
        if "flags" in row.cleared:
            update.flags_removed = [f for f in before.flags if f.name.lower() not in wanted]
        for flag in update.flags_added:
            update.events.append(_event(before, EventKind.FLAG_ADDED, {"flag": flag.name}))
        for flag in update.flags_removed:
            data = {"flag": flag.name}
            update.events.append(_event(before, EventKind.FLAG_REMOVED, data))
