"""Which consumers rely on which fields and groups ("where is this used")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from core.sql import Sql, sql
from services.errors import InvalidState
from services.usages import statements


class ConsumerKind:
    SMART_GROUP = "smart_group"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class Consumer:
    kind: str
    ref: str
    name: str


@dataclass(frozen=True, slots=True)
class Usage:
    consumer: Consumer
    field_id: int | None
    group_id: int | None


class InUse(InvalidState):
    """Something other systems use: removing it needs them acknowledged (`usages` says who)."""

    def __init__(self, message: str, usages: list[Usage], *, field: str) -> None:
        super().__init__(message, field=field)
        self.usages = usages


async def replace_usages(
    tx: Sql,
    *,
    workspace_id: int,
    consumer: Consumer,
    field_ids: Sequence[int] | None = None,
    group_ids: Sequence[int] | None = None,
) -> None:
    """Make `consumer` use exactly these fields (and/or groups); registering again replaces.
    A kind left as None keeps the consumer's existing usages of that kind."""
    if field_ids is not None:
        await _replace(tx, workspace_id, consumer, "field_id", field_ids)
    if group_ids is not None:
        await _replace(tx, workspace_id, consumer, "group_id", group_ids)


async def _replace(
    tx: Sql, workspace_id: int, consumer: Consumer, column: str, ids: Sequence[int]
) -> None:
    await tx.execute(statements.delete_usages_of(column), workspace_id, consumer.kind, consumer.ref)
    await tx.execute(
        statements.insert_usages_of(column),
        workspace_id,
        consumer.kind,
        consumer.ref,
        consumer.name,
        list(dict.fromkeys(ids)),
    )


async def remove_consumer(
    tx: Sql, *, workspace_id: int, kind: str, ref: str, column: str | None = None
) -> int:
    """Forget a consumer's usages (only of fields or groups when `column` names one)."""
    only = column if column in ("field_id", "group_id") else None
    rows = await tx.fetch(statements.remove_consumer(only), workspace_id, kind, ref)
    return len(rows)


async def rename_consumer(tx: Sql, *, workspace_id: int, kind: str, ref: str, name: str) -> None:
    """A consumer's usages follow its new name."""
    await tx.execute(statements.RENAME_CONSUMER, workspace_id, kind, ref, name)


async def consumers_of_field(tx: Sql, *, workspace_id: int, field_id: int, kind: str) -> list[str]:
    """Names of the consumers of `kind` using a field, in name order."""
    rows = await tx.fetch(statements.CONSUMERS_OF_FIELD, workspace_id, field_id, kind)
    return [r["consumer_name"] for r in rows]


async def usages_of_fields(workspace_id: int, field_ids: Sequence[int]) -> dict[int, list[Usage]]:
    """Per field, who uses it."""
    found = await _usages_of("field_id", workspace_id, field_ids)
    return {fid: [Usage(c, fid, None) for c in consumers] for fid, consumers in found.items()}


async def usages_of_groups(workspace_id: int, group_ids: Sequence[int]) -> dict[int, list[Usage]]:
    """Per group, who uses it."""
    found = await _usages_of("group_id", workspace_id, group_ids)
    return {gid: [Usage(c, None, gid) for c in consumers] for gid, consumers in found.items()}


async def _usages_of(
    column: Literal["field_id", "group_id"], workspace_id: int, ids: Sequence[int]
) -> dict[int, list[Consumer]]:
    rows = await sql().fetch(statements.usages_of(column), workspace_id, list(ids))
    found: dict[int, list[Consumer]] = {used: [] for used in ids}
    for r in rows:
        found[r["used"]].append(Consumer(r["consumer_kind"], r["consumer_ref"], r["consumer_name"]))
    return found
