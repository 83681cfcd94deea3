"""Setting custom field values on a contact, by field key."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from core.sql import Sql
from models import Workspace
from services.contacts import statements
from services.errors import InvalidInput
from services.fields.definitions import list_fields
from services.fields.values import FieldDefinition, read_value


@dataclass(frozen=True, slots=True)
class FieldChanges:
    """Values to write (by field UUID) and fields to clear, validated against their types."""

    set_values: dict[str, dict[str, Any]]
    cleared: list[str]
    keys: dict[str, str]  # field uuid -> key, for history

    @property
    def empty(self) -> bool:
        return not self.set_values and not self.cleared


async def prepare_field_changes(
    workspace: Workspace, values: Mapping[str, str | None]
) -> FieldChanges:
    if not values:
        return FieldChanges({}, [], {})
    definitions = {f.key: f for f in await list_fields(workspace.id)}
    zone = ZoneInfo(workspace.timezone)
    set_values: dict[str, dict[str, Any]] = {}
    cleared: list[str] = []
    keys: dict[str, str] = {}
    for raw_key, value in values.items():
        key = raw_key.strip().lower()
        field: FieldDefinition | None = definitions.get(key)
        if field is None:
            raise InvalidInput(f'No field with key "{raw_key}".', field=f"fields.{raw_key}")
        keys[field.uuid] = field.key
        if value is None or not value.strip():
            cleared.append(field.uuid)
        else:
            set_values[field.uuid] = read_value(
                value, field=field, date_format=workspace.date_format, tz=zone
            )
    return FieldChanges(set_values, cleared, keys)


def field_history(current: Mapping[str, Any], changes: FieldChanges) -> dict[str, dict[str, Any]]:
    """`{"fields.<key>": {"from": text, "to": text}}` for the values the changes alter."""
    history: dict[str, dict[str, Any]] = {}
    for uuid, stored in changes.set_values.items():
        before = (current.get(uuid) or {}).get("text")
        if before != stored["text"]:
            history[f"fields.{changes.keys[uuid]}"] = {"from": before, "to": stored["text"]}
    for uuid in changes.cleared:
        before = (current.get(uuid) or {}).get("text")
        if before is not None:
            history[f"fields.{changes.keys[uuid]}"] = {"from": before, "to": None}
    return history


async def apply_field_changes(
    tx: Sql, *, contact_id: int, current: Mapping[str, Any], changes: FieldChanges
) -> dict[str, dict[str, Any]]:
    """Write the changes (the contact counts as modified); returns their `field_history`."""
    history = field_history(current, changes)
    if history:
        await tx.execute(
            statements.SET_FIELD_VALUES,
            contact_id,
            json.dumps(changes.set_values),
            changes.cleared,
        )
    return history
