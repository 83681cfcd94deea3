from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence

from core.sql import Sql, sql, transaction
from services.access.caller import Caller
from services.clear_mark import refuse_clear_mark
from services.contacts.history import write_events_from
from services.contacts.records import FlagRecord
from services.errors import DuplicateName, InvalidInput, InvalidState, NotFound
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
    await tx.execute(
        """
        INSERT INTO flag (workspace_id, uuid, name)
        SELECT $1, gen_random_uuid(), n FROM unnest($2::text[]) AS n
        ON CONFLICT (workspace_id, lower(name)) DO NOTHING
        """,
        workspace_id,
        cleaned,
    )
    rows = await tx.fetch(
        "SELECT id, uuid, name FROM flag WHERE workspace_id = $1 AND lower(name) = ANY($2::text[])",
        workspace_id,
        [n.lower() for n in cleaned],
    )
    by_name = {r["name"].lower(): FlagRecord(r["id"], r["uuid"], r["name"]) for r in rows}
    return [by_name[n.lower()] for n in cleaned]


async def list_flags(caller: Caller) -> list[FlagRecord]:
    rows = await sql().fetch(
        "SELECT id, uuid, name FROM flag WHERE workspace_id = $1 ORDER BY lower(name)",
        caller.workspace_id,
    )
    return [FlagRecord(r["id"], r["uuid"], r["name"]) for r in rows]


async def create_flag(caller: Caller, name: str) -> FlagRecord:
    caller.require_editor()
    cleaned = clean_flag_name(name, field="name")
    row = await sql().fetchrow(
        """
        INSERT INTO flag (workspace_id, uuid, name) VALUES ($1, $2, $3)
        ON CONFLICT (workspace_id, lower(name)) DO NOTHING
        RETURNING id, uuid, name
        """,
        caller.workspace_id,
        uuidlib.uuid4(),
        cleaned,
    )
    if row is None:
        raise DuplicateName(f'A flag named "{cleaned}" already exists.', field="name")
    return FlagRecord(row["id"], row["uuid"], row["name"])


async def delete_flag(caller: Caller, flag_uuid: uuidlib.UUID) -> FlagRecord:
    """Refused while a smart group's query uses the flag; its holders' history records the
    removal."""
    caller.require_editor()
    async with transaction() as tx:
        row = await tx.fetchrow(
            "SELECT id, uuid, name FROM flag WHERE workspace_id = $1 AND uuid = $2 FOR UPDATE",
            caller.workspace_id,
            flag_uuid,
        )
        if row is None:
            raise NotFound("No such flag.", field="id")
        flag = FlagRecord(row["id"], row["uuid"], row["name"])
        users = await smart_groups_using_flag(tx, caller.workspace, flag.name)
        if users:
            raise InvalidState(
                f"Flag {flag.name} is used by the smart groups {', '.join(users)}; change their "
                "queries first.",
                field="id",
            )
        await write_events_from(
            tx,
            """
            SELECT $1, c.id, c.uuid, 'flag_removed', jsonb_build_object('flag', $3::text),
                   'member', $4, NULL
            FROM contact_flag cf JOIN contact c ON c.id = cf.contact_id
            WHERE cf.workspace_id = $1 AND cf.flag_id = $2
            """,
            caller.workspace_id,
            flag.id,
            flag.name,
            caller.member.id,
        )
        await tx.execute("DELETE FROM flag WHERE id = $1", flag.id)
    return flag


async def flag_ids_for_filter(caller: Caller, names: Sequence[str]) -> list[int | None]:
    """Flag IDs for filter names, None where no such flag exists (it then matches nobody)."""
    lowered = [" ".join(n.split()).lower() for n in names]
    rows = await sql().fetch(
        "SELECT id, lower(name) AS key FROM flag WHERE workspace_id = $1 "
        "AND lower(name) = ANY($2::text[])",
        caller.workspace_id,
        lowered,
    )
    found = {r["key"]: r["id"] for r in rows}
    return [found.get(n) for n in lowered]
