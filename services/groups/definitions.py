"""Groups: manual lists and smart groups defined by a query."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.queue import enqueue_job
from core.sql import Sql, sql, transaction
from models.enums import GroupKind, GroupStatus, JobKind
from query.errors import QueryError
from services.access.caller import Caller
from services.contacts.query_env import read_query
from services.errors import (
    DuplicateName,
    InvalidInput,
    InvalidQuery,
    InvalidState,
    LimitReached,
    NotFound,
)
from services.groups import statements
from services.jobs import state as job_state
from services.jobs.control import insert_job
from services.usages.registry import (
    Consumer,
    ConsumerKind,
    InUse,
    Usage,
    remove_consumer,
    rename_consumer,
    replace_usages,
    usages_of_groups,
)

MAX_GROUPS = 250
MAX_NAME = 64


@dataclass(frozen=True, slots=True)
class GroupRecord:
    id: int
    uuid: uuidlib.UUID
    name: str
    kind: GroupKind
    query: str | None
    status: GroupStatus
    member_count: int


class InvalidGroupQuery(InvalidQuery):
    def __init__(self, error: QueryError) -> None:
        super().__init__(
            error.code.value, f"The query cannot define a group: {error.message}", error.extra
        )


class GroupInUse(InUse):
    def __init__(self, message: str, usages: list[Usage]) -> None:
        super().__init__(message, usages, field="id")


def record_from_row(row: object) -> GroupRecord:
    r: dict[str, object] = dict(row)  # type: ignore[call-overload]
    return GroupRecord(
        id=int(str(r["id"])),
        uuid=uuidlib.UUID(str(r["uuid"])),
        name=str(r["name"]),
        kind=GroupKind(str(r["kind"])),
        query=str(r["query"]) if r["query"] is not None else None,
        status=GroupStatus(str(r["status"])),
        member_count=int(str(r["member_count"])),
    )


def clean_group_name(name: str, *, field: str = "name") -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("A group needs a name.", field=field)
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(
            f'"{cleaned[:20]}..." is {len(cleaned)} characters long; group names take at most '
            f"{MAX_NAME}.",
            field=field,
        )
    return cleaned


async def check_group_room(db: Sql, workspace_id: int, *, field: str = "name") -> None:
    """Refuses when the workspace has no room for another group. Outside the creating
    transaction it only refuses early; that transaction checks under `reserve_group_room`."""
    count = await db.fetchval(statements.COUNT_GROUPS, workspace_id)
    if count >= MAX_GROUPS:
        raise LimitReached(
            f"A workspace can have at most {MAX_GROUPS} groups; delete one first.", field=field
        )


async def reserve_group_room(tx: Sql, workspace_id: int, *, field: str = "name") -> None:
    """Within the transaction that creates a group: serializes group creation in the
    workspace and refuses when it already has MAX_GROUPS groups."""
    await tx.execute(statements.LOCK_GROUP_CREATION, workspace_id % 2**31)
    await check_group_room(tx, workspace_id, field=field)


async def list_groups(caller: Caller, *, kind: GroupKind | None = None) -> list[GroupRecord]:
    rows = await sql().fetch(
        statements.GROUPS_BY_NAME,
        caller.workspace_id,
        kind.value if kind else None,
    )
    return [record_from_row(r) for r in rows]


async def group_ids_for_filter(
    caller: Caller, group_uuids: Sequence[uuidlib.UUID | None]
) -> list[int]:
    """IDs of the workspace's groups among these; unknown and foreign ones match nothing."""
    rows = await sql().fetch(
        statements.GROUP_IDS_BY_UUID,
        caller.workspace_id,
        [u for u in group_uuids if u is not None],
    )
    return [r["id"] for r in rows]


async def get_group(caller: Caller, group_uuid: uuidlib.UUID) -> GroupRecord | None:
    row = await sql().fetchrow(statements.GROUP_BY_UUID, caller.workspace_id, group_uuid)
    return record_from_row(row) if row else None


async def _lock_group(tx: Sql, caller: Caller, group_uuid: uuidlib.UUID) -> GroupRecord:
    row = await tx.fetchrow(statements.LOCK_GROUP_BY_UUID, caller.workspace_id, group_uuid)
    if row is None:
        raise NotFound("No such group.", field="id")
    return record_from_row(row)


async def _check_name_free(tx: Sql, workspace_id: int, name: str, group_id: int | None) -> None:
    if await tx.fetchval(statements.GROUP_NAMED, workspace_id, name, group_id):
        raise DuplicateName(f'A group named "{name}" already exists.', field="name")


async def _smart_query(caller: Caller, text: str) -> tuple[str, list[int]]:
    """The canonical query and the IDs of the fields it uses; refuses what cannot define a
    smart group."""
    try:
        parsed = await read_query(caller.workspace, text)
    except QueryError as exc:
        raise InvalidGroupQuery(exc) from exc
    if not parsed.allows_smart_group:
        raise InvalidInput(
            "A smart group's query cannot use uuid, id, status or group.", field="query"
        )
    rows = await sql().fetch(
        statements.FIELD_IDS_BY_KEY, caller.workspace_id, list(parsed.field_keys)
    )
    return parsed.canonical, [r["id"] for r in rows]


async def _start_evaluation(tx: Sql, caller: Caller, group: GroupRecord) -> uuidlib.UUID:
    job_id, job_uuid = await insert_job(
        tx, caller=caller, kind=JobKind.EVALUATE_GROUP, params={"group_id": group.id}
    )
    total = await tx.fetchval(statements.COUNT_CONTACTS, caller.workspace_id)
    await job_state.set_total(tx, job_id, total)
    return job_uuid


async def _evaluation_pending(tx: Sql, workspace_id: int, group_id: int) -> bool:
    """Whether an evaluation job of the group is still queued or running."""
    return bool(
        await tx.fetchval(
            statements.EVALUATION_PENDING,
            workspace_id,
            JobKind.EVALUATE_GROUP.value,
            group_id,
        )
    )


async def create_group(caller: Caller, *, name: str, query: str | None = None) -> GroupRecord:
    caller.require_editor()
    name = clean_group_name(name)
    smart = await _smart_query(caller, query) if query is not None else None
    job_uuid = None
    async with transaction() as tx:
        await reserve_group_room(tx, caller.workspace_id)
        await _check_name_free(tx, caller.workspace_id, name, None)
        row = await tx.fetchrow(
            statements.CREATE_GROUP,
            caller.workspace_id,
            uuidlib.uuid4(),
            name,
            (GroupKind.SMART if smart else GroupKind.MANUAL).value,
            smart[0] if smart else None,
            (GroupStatus.INITIALIZING if smart else GroupStatus.READY).value,
        )
        group = record_from_row(row)
        if smart:
            await _register_smart_usage(tx, caller, group, smart[1])
            job_uuid = await _start_evaluation(tx, caller, group)
    if job_uuid:
        await enqueue_job(str(job_uuid))
    return group


async def _register_smart_usage(
    tx: Sql, caller: Caller, group: GroupRecord, field_ids: Sequence[int]
) -> None:
    await replace_usages(
        tx,
        workspace_id=caller.workspace_id,
        consumer=Consumer(ConsumerKind.SMART_GROUP, str(group.uuid), group.name),
        field_ids=field_ids,
    )


async def update_group(
    caller: Caller, group_uuid: uuidlib.UUID, *, name: str | None = None, query: str | None = None
) -> GroupRecord:
    caller.require_editor()
    new_name = clean_group_name(name) if name is not None else None
    smart = await _smart_query(caller, query) if query is not None else None
    job_uuid = None
    async with transaction() as tx:
        group = await _lock_group(tx, caller, group_uuid)
        if new_name is not None and new_name != group.name:
            await _check_name_free(tx, caller.workspace_id, new_name, group.id)
            await tx.execute(statements.RENAME_GROUP, group.id, new_name)
            await rename_consumer(
                tx,
                workspace_id=caller.workspace_id,
                kind=ConsumerKind.SMART_GROUP,
                ref=str(group.uuid),
                name=new_name,
            )
        if smart is not None:
            if group.kind is not GroupKind.SMART:
                raise InvalidState(
                    "A manual group has no query; create a smart group.", field="query"
                )
            evaluating = group.status in (GroupStatus.INITIALIZING, GroupStatus.EVALUATING)
            if evaluating and await _evaluation_pending(tx, caller.workspace_id, group.id):
                raise InvalidState(
                    "The group is still being evaluated; change its query when it is ready.",
                    field="query",
                )
            # Saving the query again re-evaluates a group whose query stopped reading (now
            # that it reads) or whose evaluation stopped unfinished (cancelled or failed).
            if smart[0] != group.query or evaluating or group.status is GroupStatus.INVALID:
                await tx.execute(statements.SET_QUERY, group.id, smart[0])
                renamed = replace(group, name=new_name) if new_name is not None else group
                await _register_smart_usage(tx, caller, renamed, smart[1])
                job_uuid = await _start_evaluation(tx, caller, group)
        row = await tx.fetchrow(statements.GROUP_BY_ID, group.id)
    if job_uuid:
        await enqueue_job(str(job_uuid))
    return record_from_row(row)


async def delete_group(
    caller: Caller, group_uuid: uuidlib.UUID, *, acknowledge_usages: bool = False
) -> GroupRecord:
    caller.require_editor()
    async with transaction() as tx:
        group = await _lock_group(tx, caller, group_uuid)
        usages = (await usages_of_groups(caller.workspace_id, [group.id]))[group.id]
        if usages and not acknowledge_usages:
            names = ", ".join(f"{u.consumer.kind} {u.consumer.name}" for u in usages)
            raise GroupInUse(
                f"Group {group.name} is used by {names}. Pass acknowledgeUsages to delete it "
                "anyway.",
                usages,
            )
        await remove_consumer(
            tx, workspace_id=caller.workspace_id, kind=ConsumerKind.SMART_GROUP, ref=str(group.uuid)
        )
        await tx.execute(statements.DELETE_GROUP, group.id)
    return group
