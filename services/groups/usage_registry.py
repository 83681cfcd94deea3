"""Usages that other systems register for groups ("which campaigns rely on this list")."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence

from core.sql import transaction
from services.access.caller import Caller
from services.errors import NotFound
from services.fields.usage_registry import check_consumer
from services.groups import statements
from services.groups.definitions import GroupRecord, record_from_row
from services.usages.registry import Consumer, remove_consumer, replace_usages


async def register(
    caller: Caller,
    *,
    kind: str,
    ref: str,
    name: str,
    group_uuids: Sequence[uuidlib.UUID],
) -> list[GroupRecord]:
    """Replace this consumer's group usages; unknown groups are refused."""
    caller.require_editor()
    kind, ref = check_consumer(kind, ref)
    async with transaction() as tx:
        rows = await tx.fetch(statements.GROUPS_BY_UUID, caller.workspace_id, list(group_uuids))
        if len(rows) < len(set(group_uuids)):
            raise NotFound("No such group.", field="groups")
        records = [record_from_row(r) for r in rows]
        await replace_usages(
            tx,
            workspace_id=caller.workspace_id,
            consumer=Consumer(kind, ref, name.strip() or ref),
            group_ids=[r.id for r in records],
        )
    return records


async def unregister(caller: Caller, *, kind: str, ref: str) -> int:
    caller.require_editor()
    kind, ref = check_consumer(kind, ref)
    async with transaction() as tx:
        return await remove_consumer(
            tx, workspace_id=caller.workspace_id, kind=kind, ref=ref, column="group_id"
        )
