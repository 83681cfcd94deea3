"""Custom field definitions: create, rename, feature and order, change type, delete."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass

from core.queue import enqueue_job
from core.sql import Sql, sql, transaction
from models.enums import FieldType, JobKind, Permission
from services.access.caller import Caller
from services.errors import DuplicateName, InvalidInput, InvalidState, LimitReached, NotFound
from services.fields import statements
from services.fields.readings import count_readable, holders, reread_values
from services.fields.rules import MAX_FIELDS, check_field_key, clean_field_name, key_from_name
from services.fields.values import FieldDefinition
from services.jobs import state as job_state
from services.jobs.control import insert_job
from services.usages.registry import (
    ConsumerKind,
    InUse,
    Usage,
    consumers_of_field,
    usages_of_fields,
)

INLINE_DELETE_LIMIT = 1000


def _definition(row: object) -> FieldDefinition:
    r: dict[str, object] = dict(row)  # type: ignore[call-overload]
    return FieldDefinition(
        id=int(str(r["id"])),
        uuid=str(r["uuid"]),
        key=str(r["key"]),
        name=str(r["name"]),
        value_type=FieldType(str(r["value_type"])),
        featured=bool(r["featured"]),
        position=int(str(r["position"])) if r["position"] is not None else None,
    )


async def schedule_index_sync(caller: Caller) -> None:
    """Featured fields changed: build or drop their sort indexes in the background."""
    async with transaction() as tx:
        _, job_uuid = await insert_job(
            tx, caller=caller, kind=JobKind.SYNC_FIELD_INDEXES, params={}
        )
    await enqueue_job(str(job_uuid))


async def list_fields(workspace_id: int, *, featured: bool | None = None) -> list[FieldDefinition]:
    """Display order: featured fields in their order, then the others by name."""
    rows = await sql().fetch(statements.FIELDS_IN_ORDER, workspace_id, featured)
    return [_definition(r) for r in rows]


async def get_field(workspace_id: int, key: str) -> FieldDefinition | None:
    row = await sql().fetchrow(statements.FIELD_BY_KEY, workspace_id, key.strip().lower())
    return _definition(row) if row else None


async def _lock_field(tx: Sql, workspace_id: int, key: str) -> FieldDefinition:
    row = await tx.fetchrow(statements.LOCK_FIELD_BY_KEY, workspace_id, key.strip().lower())
    if row is None:
        raise NotFound(f'No field with key "{key}".', field="key")
    return _definition(row)


async def _lock_definitions(tx: Sql, workspace_id: int) -> None:
    """One definition writer at a time per workspace keeps the limit and positions exact."""
    await tx.execute(statements.LOCK_DEFINITIONS, workspace_id % 2**31)


async def _next_position(tx: Sql, workspace_id: int) -> int:
    value: int = await tx.fetchval(statements.NEXT_FEATURED_POSITION, workspace_id)
    return value


async def _check_name_free(tx: Sql, workspace_id: int, name: str, field_id: int | None) -> None:
    taken = await tx.fetchval(statements.KEY_OF_FIELD_NAMED, workspace_id, name, field_id)
    if taken:
        raise DuplicateName(f'A field named "{name}" already exists (key "{taken}").', field="name")


async def create_field(
    caller: Caller,
    *,
    name: str,
    value_type: FieldType,
    key: str | None = None,
    featured: bool = False,
) -> FieldDefinition:
    caller.require(Permission.MANAGE_FIELDS)
    name = clean_field_name(name)
    key = check_field_key(key.strip().lower() if key else key_from_name(name))
    async with transaction() as tx:
        await _lock_definitions(tx, caller.workspace_id)
        count = await tx.fetchval(statements.COUNT_FIELDS, caller.workspace_id)
        if count >= MAX_FIELDS:
            raise LimitReached(
                f"A workspace can have at most {MAX_FIELDS} fields; delete one you no longer "
                "use first.",
                field="name",
            )
        if await tx.fetchval(statements.KEY_TAKEN, caller.workspace_id, key):
            raise DuplicateName(f'A field with key "{key}" already exists.', field="key")
        await _check_name_free(tx, caller.workspace_id, name, None)
        position = await _next_position(tx, caller.workspace_id) if featured else None
        row = await tx.fetchrow(
            statements.CREATE_FIELD,
            caller.workspace_id,
            uuidlib.uuid4(),
            key,
            name,
            value_type.value,
            featured,
            position,
        )
    created = _definition(row)
    if created.featured:
        await schedule_index_sync(caller)
    return created


async def update_field(
    caller: Caller, key: str, *, name: str | None = None, featured: bool | None = None
) -> FieldDefinition:
    caller.require(Permission.MANAGE_FIELDS)
    new_name = clean_field_name(name) if name is not None else None
    async with transaction() as tx:
        await _lock_definitions(tx, caller.workspace_id)
        current = await _lock_field(tx, caller.workspace_id, key)
        if new_name is not None and new_name != current.name:
            await _check_name_free(tx, caller.workspace_id, new_name, current.id)
            await tx.execute(statements.RENAME_FIELD, current.id, new_name)
        if featured is not None and featured != current.featured:
            position = await _next_position(tx, caller.workspace_id) if featured else None
            await tx.execute(statements.SET_FEATURED, current.id, featured, position)
        row = await tx.fetchrow(statements.FIELD_BY_ID, current.id)
    updated = _definition(row)
    if updated.featured != current.featured:
        await schedule_index_sync(caller)
    return updated


async def reorder_featured(caller: Caller, keys: Sequence[str]) -> list[FieldDefinition]:
    """`keys` is the full featured order; a featured field left out stops being featured."""
    caller.require(Permission.MANAGE_FIELDS)
    wanted = [k.strip().lower() for k in keys]
    repeated = sorted({k for k in wanted if wanted.count(k) > 1})
    if repeated:
        raise InvalidInput(f'Key "{repeated[0]}" appears more than once.', field="keys")
    async with transaction() as tx:
        await _lock_definitions(tx, caller.workspace_id)
        rows = await tx.fetch(statements.KEYS_AMONG, caller.workspace_id, wanted)
        missing = [k for k in wanted if k not in {r["key"] for r in rows}]
        if missing:
            raise NotFound(f'No field with key "{missing[0]}".', field="keys")
        await tx.execute(statements.REORDER_FEATURED, caller.workspace_id, wanted)
    await schedule_index_sync(caller)
    return await list_fields(caller.workspace_id, featured=True)


@dataclass(frozen=True, slots=True)
class TypeChangeReport:
    field: FieldDefinition
    converted: int
    not_converted: int
    applied: bool
    job_uuid: uuidlib.UUID | None = None  # re-reading the values as the new type, when many


async def _smart_groups_using(tx: Sql, workspace_id: int, field_id: int) -> list[str]:
    return await consumers_of_field(
        tx, workspace_id=workspace_id, field_id=field_id, kind=ConsumerKind.SMART_GROUP
    )


async def change_field_type(
    caller: Caller, key: str, new_type: FieldType, *, dry_run: bool = False
) -> TypeChangeReport:
    """Lossless: every reading of every value is stored, so the new type picks which one
    counts; the search readings follow (services/fields/readings.py)."""
    caller.require(Permission.MANAGE_FIELDS)
    async with transaction() as tx:
        current = await _lock_field(tx, caller.workspace_id, key)
        groups = await _smart_groups_using(tx, caller.workspace_id, current.id)
        if groups and new_type is not current.value_type:
            raise InvalidState(
                f"Field {current.name} is used by the smart groups {', '.join(groups)}; "
                "change their queries before changing its type.",
                field="valueType",
            )
        held, readable = await count_readable(tx, caller.workspace_id, current, new_type)
        applied = not dry_run and new_type is not current.value_type
        job_uuid = None
        if applied:
            await tx.execute(statements.SET_VALUE_TYPE, current.id, new_type.value)
            current = await _lock_field(tx, caller.workspace_id, key)
            job_uuid = await reread_values(tx, caller, current)
    if job_uuid is not None:
        await enqueue_job(str(job_uuid))
    if applied and current.featured:
        await schedule_index_sync(caller)
    return TypeChangeReport(
        field=current,
        converted=readable,
        not_converted=held - readable,
        applied=applied,
        job_uuid=job_uuid,
    )


@dataclass(frozen=True, slots=True)
class FieldDeletion:
    field: FieldDefinition
    job_uuid: uuidlib.UUID | None
    values_removed: int


class FieldInUse(InUse):
    def __init__(self, message: str, usages: list[Usage]) -> None:
        super().__init__(message, usages, field="key")


async def delete_field(
    caller: Caller, key: str, *, acknowledge_usages: bool = False
) -> FieldDeletion:
    """The definition goes at once; values go inline when few, else in a background job."""
    caller.require(Permission.MANAGE_FIELDS)
    async with transaction() as tx:
        current = await _lock_field(tx, caller.workspace_id, key)
        usages = (await usages_of_fields(caller.workspace_id, [current.id]))[current.id]
        smart = [u.consumer.name for u in usages if u.consumer.kind == ConsumerKind.SMART_GROUP]
        if smart:
            raise FieldInUse(
                f"Field {current.name} is used by the smart groups {', '.join(smart)}; "
                "change their queries first.",
                usages,
            )
        if usages and not acknowledge_usages:
            names = ", ".join(f"{u.consumer.kind} {u.consumer.name}" for u in usages)
            raise FieldInUse(
                f"Field {current.name} is used by {names}. Pass acknowledgeUsages to delete it "
                "anyway.",
                usages,
            )
        # Counting stops past the inline limit: a large field is left to the job.
        held = await holders(tx, caller.workspace_id, current.id, limit=INLINE_DELETE_LIMIT)
        await tx.execute(statements.DELETE_FIELD, current.id)
        if held <= INLINE_DELETE_LIMIT:
            await tx.execute(
                statements.DELETE_VALUES,
                caller.workspace_id,
                current.uuid,
                str(current.id),
            )
            deletion = FieldDeletion(field=current, job_uuid=None, values_removed=held)
        else:
            deletion = await _delete_values_later(tx, caller, current)
    if current.featured:
        await schedule_index_sync(caller)
    if deletion.job_uuid is not None:
        await enqueue_job(str(deletion.job_uuid))
    return deletion


async def _delete_values_later(tx: Sql, caller: Caller, current: FieldDefinition) -> FieldDeletion:
    job_id, job_uuid = await insert_job(
        tx,
        caller=caller,
        kind=JobKind.DELETE_FIELD_VALUES,
        params={"field_uuid": current.uuid, "field_key": current.key},
    )
    # The job walks the workspace by id (progress counts contacts examined): freezing a
    # million targets here would hold the request for seconds.
    total = await tx.fetchval(statements.COUNT_CONTACTS, caller.workspace_id)
    await job_state.set_total(tx, job_id, total)
    return FieldDeletion(field=current, job_uuid=job_uuid, values_removed=0)
