"""Node IDs: decoded and type-checked in one place.

Every argument that names an object takes either its global ID (`Q29udGFjdDo…`, what the API
prints) or the bare UUID inside it (what the command line, exports and error messages print).
A UUID is looked up as the type the argument expects; `node(id:)` tries each type of node.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition

from services.errors import DomainError, NotFound

RecordT = TypeVar("RecordT")
NodeT = TypeVar("NodeT")


def parse_uuid(node_id: str) -> UUID | None:
    """The UUID a node ID's text names, in any letter case; None for text that is not one."""
    try:
        return UUID(node_id)
    except ValueError:
        return None


async def nodes_one_by_one(
    node_ids: Iterable[str],
    find: Callable[[UUID], Awaitable[RecordT | None]],
    build: Callable[[RecordT], NodeT],
) -> list[NodeT | None]:
    """`resolve_nodes` for types read one at a time (`find` is scoped to the caller): a node
    per ID, None where the ID names nothing the caller may see."""
    found: list[NodeT | None] = []
    for node_id in node_ids:
        key = parse_uuid(node_id)
        record = await find(key) if key is not None else None
        found.append(build(record) if record is not None else None)
    return found


def global_id(type_name: str, uuid: UUID | str) -> strawberry.ID:
    return strawberry.ID(str(relay.GlobalID(type_name, str(uuid))))


# Every type that implements Node, in the order `node(id:)` tries a bare UUID.
NODE_TYPES = ("Contact", "Group", "Flag", "Job", "Import", "Export", "AudienceSnapshot")


def read_node_id(id: str) -> tuple[str | None, UUID | None]:
    """The type an ID names (None for a bare UUID, which may be of any type) and its UUID
    (None when the text names nothing)."""
    bare = parse_uuid(id)
    if bare is not None:
        return None, bare
    try:
        decoded = relay.GlobalID.from_id(id)
    except GlobalIDValueError:
        return None, None
    return decoded.type_name, parse_uuid(decoded.node_id)


def node_uuid(id: str, *type_names: str) -> UUID | None:
    """The UUID an ID names when it is of one of `type_names` (or a bare UUID); None
    otherwise."""
    type_name, uuid = read_node_id(id)
    if type_name is not None and type_name not in type_names:
        return None
    return uuid


def require_node_uuid(
    id: str,
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


def schema_type(info: Info[Any, Any], name: str) -> Any:
    """The class of the schema's object type `name`, for a type that may not be imported
    here without an import cycle."""
    found = info.schema.get_type_by_name(name)
    assert isinstance(found, StrawberryObjectDefinition), name
    return found.origin


def _words(type_name: str) -> str:
    """`AudienceSnapshot` → `audience snapshot`."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in type_name).strip()
