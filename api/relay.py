"""Global IDs: decoded and type-checked in one place."""

from __future__ import annotations

from uuid import UUID

import strawberry
from strawberry import relay

from services.errors import DomainError, NotFound


def global_id(type_name: str, uuid: UUID | str) -> strawberry.ID:
    return strawberry.ID(str(relay.GlobalID(type_name, str(uuid))))


def node_uuid(id: relay.GlobalID, *type_names: str) -> UUID | None:
    """The UUID an ID names when it is of one of `type_names`; None otherwise."""
    if id.type_name not in type_names:
        return None
    try:
        return UUID(id.node_id)
    except ValueError:
        return None


def require_node_uuid(
    id: relay.GlobalID,
    type_name: str,
    *,
    field: str = "id",
    message: str | None = None,
    error: type[DomainError] = NotFound,
) -> UUID:
    """The UUID an ID of `type_name` names; `error` (by default "No such <type>.") otherwise."""
    uuid = node_uuid(id, type_name)
    if uuid is None:
        raise error(message or f"No such {_words(type_name)}.", field=field)
    return uuid


def _words(type_name: str) -> str:
    """`AudienceSnapshot` → `audience snapshot`."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in type_name).strip()
