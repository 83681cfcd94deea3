from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence

import asyncpg

from core.sql import Sql, sql, transaction
from services.access.caller import Caller
from services.clear_mark import refuse_clear_mark
from services.contacts.history import write_events_from
from services.contacts.records import FlagRecord
from services.errors import DuplicateName, InvalidInput, InvalidState, NotFound
from services.flags import statements
from services.groups.smart import smart_groups_using_flag

MAX_FLAG_NAME = 64


def clean_flag_name(name: str, *, field: str = "flags") -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("A flag needs a name.", field=field)
    if "," in cleaned:
        raise InvalidInput(
            f'Flag name "{cleaned}" has a comma; files list flags separated by commas, so a '
            "flag name cannot contain one.",
            field=field,
        )
    refuse_clear_mark(cleaned, what="flag name", field=field)
    if len(cleaned) > MAX_FLAG_NAME:
        raise InvalidInput(
            f'Flag name "{cleaned[:20]}..." is longer than {MAX_FLAG_NAME} characters.',
            field=field,
        )
    return cleaned


async def ensure_flags(tx: Sql, *, workspace_id: int, names: Sequence[str]) -> list[FlagRecord]:
    """Flags by name (any case), creating the missing ones on the fly; order follows `names`."""
    by_key: dict[str, str] = {}
    for raw in names:
        name = clean_flag_name(raw)
        by_key.setdefault(name.lower(), name)
    cleaned = list(by_key.values())
    if not cleaned:
        return []
    await tx.execute(statements.INSERT_MISSING_FLAGS, workspace_id, cleaned)
    rows = await tx.fetch(
        statements.FLAGS_BY_LOWER_NAME,
        workspace_id,
        [n.lower() for n in cleaned],
    )
    by_name = {r["name"].lower(): FlagRecord(r["id"], r["uuid"], r["name"]) for r in rows}
    return [by_name[n.lower()] for n in cleaned]


async def list_flags(caller: Caller) -> list[FlagRecord]:
    rows = await sql().fetch(statements.FLAGS_BY_NAME, caller.workspace_id)
    return [FlagRecord(r["id"], r["uuid"], r["name"]) for r in rows]


async def create_flag(caller: Caller, name: str) -> FlagRecord:
    caller.require_editor()
    cleaned = clean_flag_name(name, field="name")
    row = await sql().fetchrow(
        statements.CREATE_FLAG, caller.workspace_id, uuidlib.uuid4(), cleaned
    )
    if row is None:
        raise DuplicateName(f'A flag named "{cleaned}" already exists.', field="name")
    return FlagRecord(row["id"], row["uuid"], row["name"])


async def delete_flag(caller: Caller, flag_uuid: uuidlib.UUID) -> FlagRecord:
    """Refused while a smart group's query uses the flag; its holders' history records the
    removal."""
    caller.require_editor()
    async with transaction() as tx:
        flag = await _lock_flag(tx, caller, flag_uuid)
        await _refuse_if_smart_groups_read(tx, caller, flag)
        await write_events_from(
            tx,
            statements.FLAG_REMOVED_FROM_HOLDERS,
            caller.workspace_id,
            flag.id,
            flag.name,
            caller.member.id,
        )
        await tx.execute(statements.DELETE_FLAG, flag.id)
    return flag


async def flag_ids_for_filter(caller: Caller, names: Sequence[str]) -> list[int | None]:
    """Flag IDs for filter names, None where no such flag exists (it then matches nobody)."""
    lowered = [" ".join(n.split()).lower() for n in names]
    rows = await sql().fetch(statements.FLAGS_BY_LOWER_NAME, caller.workspace_id, lowered)
    found = {r["key"]: r["id"] for r in rows}
    return [found.get(n) for n in lowered]


async def rename_flag(caller: Caller, flag_uuid: uuidlib.UUID, name: str) -> FlagRecord:
    """Refused while a smart group's query names the flag (its query would stop reading), as a
    deletion is."""
    caller.require_editor()
    cleaned = clean_flag_name(name, field="name")
    try:
        async with transaction() as tx:
            flag = await _lock_flag(tx, caller, flag_uuid)
            taken = await tx.fetch(
                statements.FLAGS_BY_LOWER_NAME, caller.workspace_id, [cleaned.lower()]
            )
            if any(r["id"] != flag.id for r in taken):
                raise DuplicateName(f'A flag named "{cleaned}" already exists.', field="name")
            if flag.name.lower() != cleaned.lower():
                await _refuse_if_smart_groups_read(tx, caller, flag)
            renamed = await tx.fetchrow(statements.RENAME_FLAG, flag.id, cleaned)
    except asyncpg.UniqueViolationError:
        raise DuplicateName(f'A flag named "{cleaned}" already exists.', field="name") from None
    assert renamed is not None
    return FlagRecord(renamed["id"], renamed["uuid"], renamed["name"])


async def _lock_flag(tx: Sql, caller: Caller, flag_uuid: uuidlib.UUID) -> FlagRecord:
    row = await tx.fetchrow(statements.LOCK_FLAG, caller.workspace_id, flag_uuid)
    if row is None:
        raise NotFound("No such flag.", field="id")
    return FlagRecord(row["id"], row["uuid"], row["name"])


async def _refuse_if_smart_groups_read(tx: Sql, caller: Caller, flag: FlagRecord) -> None:
    """A smart group's query names flags by name: deleting or renaming one it reads would stop
    the query from reading."""
    users = await smart_groups_using_flag(tx, caller.workspace, flag.name)
    if users:
        raise InvalidState(
            f"Flag {flag.name} is used by the smart groups {', '.join(users)}; change their "
            "queries first.",
            field="id",
        )


async def holder_counts(workspace_id: int, flag_ids: Sequence[int]) -> list[int]:
    """Contacts holding each flag, whatever their status."""
    rows = await sql().fetch(statements.HOLDER_COUNTS, workspace_id, list(flag_ids))
    found = {r["flag_id"]: r["holders"] for r in rows}
    return [found.get(i, 0) for i in flag_ids]
