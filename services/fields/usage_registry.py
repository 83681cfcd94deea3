"""Usages that other systems (campaigns, flows, forms, automations) register for fields."""

from __future__ import annotations

from collections.abc import Sequence

from core.sql import transaction
from services.access.caller import Caller
from services.errors import InvalidInput, NotFound
from services.fields import statements
from services.usages.registry import Consumer, ConsumerKind, remove_consumer, replace_usages

RESERVED_KINDS = {ConsumerKind.SMART_GROUP, ConsumerKind.IMPORT}


def check_consumer(kind: str, ref: str) -> tuple[str, str]:
    kind, ref = kind.strip().lower(), ref.strip()
    if not kind or not ref:
        raise InvalidInput("A consumer needs a kind and a ref.", field="consumer")
    if kind in RESERVED_KINDS:
        raise InvalidInput(f'"{kind}" usages are kept by the service itself.', field="consumer")
    if len(kind) > 32 or len(ref) > 255:
        raise InvalidInput("Consumer kind or ref is too long.", field="consumer")
    return kind, ref


async def register(
    caller: Caller, *, kind: str, ref: str, name: str, keys: Sequence[str]
) -> list[str]:
    """Replace this consumer's field usages with `keys`; unknown keys are refused."""
    caller.require_editor()
    kind, ref = check_consumer(kind, ref)
    wanted = list(dict.fromkeys(k.strip().lower() for k in keys))
    async with transaction() as tx:
        rows = await tx.fetch(statements.FIELD_IDS_BY_KEY, caller.workspace_id, wanted)
        found = {r["key"]: r["id"] for r in rows}
        missing = [k for k in wanted if k not in found]
        if missing:
            raise NotFound(f'No field with key "{missing[0]}".', field="keys")
        await replace_usages(
            tx,
            workspace_id=caller.workspace_id,
            consumer=Consumer(kind, ref, name.strip() or ref),
            field_ids=[found[k] for k in wanted],
        )
    return wanted


async def unregister(caller: Caller, *, kind: str, ref: str) -> int:
    caller.require_editor()
    kind, ref = check_consumer(kind, ref)
    async with transaction() as tx:
        return await remove_consumer(
            tx, workspace_id=caller.workspace_id, kind=kind, ref=ref, column="field_id"
        )
