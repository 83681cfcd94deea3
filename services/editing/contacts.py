"""Creating, changing and deleting single contacts; every change is written to history."""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.sql import Sql, sql, transaction
from models.enums import ContactSource, ContactStatus, EventKind, Permission
from services.access.actor import Actor
from services.access.caller import Caller
from services.contacts.attributes import (
    clean_country,
    clean_language,
    clean_name,
    clean_notes,
    clean_text,
)
from services.contacts.field_values import apply_field_changes, field_history, prepare_field_changes
from services.contacts.history import PendingEvent, write_events
from services.contacts.records import ContactRecord
from services.contacts.urns import ParsedURN, check_urns_free, parse_urns, replace_urns
from services.editing import statements
from services.editing.flags import change_contact_flags, current_flag_names
from services.editing.maybe import UNSET, Maybe
from services.errors import InvalidState, NotFound
from services.groups.membership import leave_all_groups
from services.groups.smart import refresh_memberships


@dataclass(frozen=True, slots=True)
class ContactDraft:
    name: str | None = None
    language: str | None = None
    status: ContactStatus = ContactStatus.ACTIVE
    company: str | None = None
    job_title: str | None = None
    country: str | None = None
    state: str | None = None
    notes: str | None = None
    source: ContactSource = ContactSource.API
    urns: Sequence[str] = ()
    flags: Sequence[str] = ()
    fields: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ContactPatch:
    name: Maybe[str | None] = UNSET
    language: Maybe[str | None] = UNSET
    status: Maybe[ContactStatus] = UNSET
    company: Maybe[str | None] = UNSET
    job_title: Maybe[str | None] = UNSET
    country: Maybe[str | None] = UNSET
    state: Maybe[str | None] = UNSET
    notes: Maybe[str | None] = UNSET
    urns: Maybe[Sequence[str]] = UNSET
    add_flags: Sequence[str] = field(default_factory=tuple)
    remove_flags: Sequence[str] = field(default_factory=tuple)
    fields: Mapping[str, str | None] = field(default_factory=dict)


API_NAMES = {"company": "company", "job_title": "jobTitle", "state": "state"}


def _clean_attributes(values: dict[str, Any]) -> dict[str, Any]:
    cleaners: dict[str, Callable[[str | None], str | None]] = {
        "name": clean_name,
        "language": clean_language,
        "country": clean_country,
        "notes": clean_notes,
    }
    return {
        key: cleaners[key](value) if key in cleaners else clean_text(value, field=API_NAMES[key])
        for key, value in values.items()
    }


async def _load_for_update(tx: Sql, *, workspace_id: int, contact_uuid: uuidlib.UUID) -> Any:
    row = await tx.fetchrow(statements.LOCK_CONTACT, workspace_id, contact_uuid)
    if row is None:
        raise NotFound("No such contact.", field="id")
    return row


async def get_contact(caller: Caller, contact_uuid: uuidlib.UUID) -> ContactRecord | None:
    row = await sql().fetchrow(statements.CONTACT_BY_UUID, caller.workspace_id, contact_uuid)
    return ContactRecord.from_row(row) if row else None


async def create_contact(caller: Caller, draft: ContactDraft) -> ContactRecord:
    caller.require_editor()
    attrs = _clean_attributes(
        {
            "name": draft.name,
            "language": draft.language,
            "company": draft.company,
            "job_title": draft.job_title,
            "country": draft.country,
            "state": draft.state,
            "notes": draft.notes,
        }
    )
    urns = parse_urns(draft.urns, country=caller.workspace.country)
    field_changes = await prepare_field_changes(caller.workspace, draft.fields)
    actor = Actor.member(caller.member.id)
    async with transaction() as tx:
        hidden = caller.workspace.anonymous
        await check_urns_free(
            tx, workspace_id=caller.workspace_id, urns=urns, contact_id=None, anonymous=hidden
        )
        row = await tx.fetchrow(
            statements.INSERT_CONTACT,
            caller.workspace_id,
            uuidlib.uuid4(),
            attrs["name"],
            attrs["language"],
            draft.status.value,
            attrs["company"],
            attrs["job_title"],
            attrs["country"],
            attrs["state"],
            attrs["notes"],
            draft.source.value,
            caller.member.id,
            json.dumps(field_changes.set_values),
        )
        assert row is not None
        record = ContactRecord.from_row(row)
        created_fields = field_history({}, field_changes)
        await replace_urns(
            tx, workspace_id=caller.workspace_id, contact_id=record.id, urns=urns, anonymous=hidden
        )
        added_flags, _ = await change_contact_flags(
            tx, workspace_id=caller.workspace_id, contact_id=record.id, add=draft.flags
        )
        created = {k: v for k, v in attrs.items() if v is not None}
        created.update(
            status=draft.status.value,
            source=draft.source.value,
            urns=[u.identity for u in urns],
            flags=added_flags,
            fields={key: value["to"] for key, value in created_fields.items()},
        )
        await write_events(
            tx,
            workspace_id=caller.workspace_id,
            actor=actor,
            events=[PendingEvent(record.id, record.uuid, EventKind.CREATED, created)],
        )
        await refresh_memberships(tx, workspace=caller.workspace, contact_ids=[record.id])
    return record


async def update_contact(
    caller: Caller, contact_uuid: uuidlib.UUID, patch: ContactPatch
) -> ContactRecord:
    caller.require_editor()
    requested = {
        key: getattr(patch, key)
        for key in ("name", "language", "company", "job_title", "country", "state", "notes")
        if getattr(patch, key) is not UNSET
    }
    attrs = _clean_attributes(requested)
    urns: list[ParsedURN] | None = None
    if patch.urns is not UNSET:
        urns = parse_urns(patch.urns, country=caller.workspace.country)
    field_changes = await prepare_field_changes(caller.workspace, patch.fields)
    async with transaction() as tx:
        row = await _load_for_update(
            tx, workspace_id=caller.workspace_id, contact_uuid=contact_uuid
        )
        before = ContactRecord.from_row(row)
        events: list[PendingEvent] = []

        changes = {
            key: {"from": row[key], "to": value}
            for key, value in attrs.items()
            if row[key] != value
        }
        new_status = patch.status if patch.status is not UNSET else before.status
        modified = bool(changes) or new_status is not before.status
        if modified:
            await tx.execute(
                statements.update_attributes(list(changes)),
                caller.workspace_id,
                before.id,
                *[change["to"] for change in changes.values()],
                new_status.value,
            )
        field_changed = await apply_field_changes(
            tx, contact_id=before.id, current=before.field_values, changes=field_changes
        )
        modified = modified or bool(field_changed)
        changes.update(field_changed)
        if changes:
            events.append(
                PendingEvent(before.id, before.uuid, EventKind.UPDATED, {"changes": changes})
            )
        if new_status is not before.status:
            events.append(
                PendingEvent(
                    before.id,
                    before.uuid,
                    EventKind.STATUS_CHANGED,
                    {"from": before.status.value, "to": new_status.value},
                )
            )
            if new_status is not ContactStatus.ACTIVE:
                await leave_all_groups(
                    tx, workspace_id=caller.workspace_id, contact_ids=[before.id]
                )

        if urns is not None:
            hidden = caller.workspace.anonymous
            await check_urns_free(
                tx,
                workspace_id=caller.workspace_id,
                urns=urns,
                contact_id=before.id,
                anonymous=hidden,
            )
            added, removed = await replace_urns(
                tx,
                workspace_id=caller.workspace_id,
                contact_id=before.id,
                urns=urns,
                anonymous=hidden,
            )
            events += [
                PendingEvent(before.id, before.uuid, EventKind.URN_ADDED, {"urn": u}) for u in added
            ]
            events += [
                PendingEvent(before.id, before.uuid, EventKind.URN_REMOVED, {"urn": u})
                for u in removed
            ]

        added_flags, removed_flags = await change_contact_flags(
            tx,
            workspace_id=caller.workspace_id,
            contact_id=before.id,
            add=patch.add_flags,
            remove=patch.remove_flags,
        )
        events += [
            PendingEvent(before.id, before.uuid, EventKind.FLAG_ADDED, {"flag": name})
            for name in added_flags
        ]
        events += [
            PendingEvent(before.id, before.uuid, EventKind.FLAG_REMOVED, {"flag": name})
            for name in removed_flags
        ]
        if events and not modified:  # addresses or flags alone: the row itself is unchanged
            await tx.execute(statements.TOUCH_CONTACT, before.id)
        await write_events(
            tx,
            workspace_id=caller.workspace_id,
            actor=Actor.member(caller.member.id),
            events=events,
        )
        if events:
            await refresh_memberships(tx, workspace=caller.workspace, contact_ids=[before.id])
        after = await tx.fetchrow(statements.CONTACT_BY_ID, before.id)
    assert after is not None
    return ContactRecord.from_row(after)


async def delete_contact(caller: Caller, contact_uuid: uuidlib.UUID) -> ContactRecord:
    caller.require(Permission.DELETE_CONTACTS)
    async with transaction() as tx:
        row = await _load_for_update(
            tx, workspace_id=caller.workspace_id, contact_uuid=contact_uuid
        )
        record = ContactRecord.from_row(row)
        if record.status is not ContactStatus.ARCHIVED:
            raise InvalidState(
                "Only archived contacts can be deleted; archive this contact first.", field="id"
            )
        urns = await tx.fetch(statements.URN_IDENTITIES_OF_CONTACT, record.id)
        flags = await current_flag_names(tx, contact_id=record.id)
        await leave_all_groups(tx, workspace_id=caller.workspace_id, contact_ids=[record.id])
        await write_events(
            tx,
            workspace_id=caller.workspace_id,
            actor=Actor.member(caller.member.id),
            events=[
                PendingEvent(
                    record.id,
                    record.uuid,
                    EventKind.DELETED,
                    {"name": record.name, "urns": [r["urn"] for r in urns], "flags": flags},
                )
            ],
        )
        await tx.execute(statements.DELETE_CONTACT, record.id)
    return record
