from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.contacts.filters import contact_uuid, to_selection
from api.contacts.inputs import ContactSelectionInput
from api.context import Context
from api.errors import (
    DuplicateNameError,
    InvalidStateError,
    LimitReachedError,
    NotFoundError,
    ValidationError,
    user_error,
)
from api.fields.types import Consumer, ConsumerInput
from api.groups.types import Group, QueryError
from api.jobs.resolvers import JobStarted
from api.jobs.types import Job
from models.enums import GroupKind
from services.errors import DomainError, NotFound
from services.groups import definitions as groups
from services.groups import members as group_members
from services.groups import usage_registry as group_usage_registry


@strawberry.input
class GroupInput:
    name: str | None = None
    query: str | None = strawberry.field(
        default=None, description="Makes a smart group; its members follow the query."
    )


@strawberry.type
class GroupSaved:
    group: Group


@strawberry.type
class GroupDeleted:
    deleted_id: strawberry.ID


@strawberry.type
class GroupInUseError(InvalidStateError):
    usages: list[Consumer]


@strawberry.type
class GroupUsagesRegistered:
    consumer: Consumer
    groups: list[Group]


SaveGroupResult = Annotated[
    GroupSaved
    | ValidationError
    | QueryError
    | DuplicateNameError
    | LimitReachedError
    | NotFoundError
    | InvalidStateError,
    strawberry.union("SaveGroupResult"),
]
DeleteGroupResult = Annotated[
    GroupDeleted | NotFoundError | GroupInUseError, strawberry.union("DeleteGroupResult")
]
GroupMembersResult = Annotated[
    GroupSaved | NotFoundError | InvalidStateError | ValidationError,
    strawberry.union("GroupMembersResult"),
]
GroupJobResult = Annotated[
    JobStarted | NotFoundError | InvalidStateError | ValidationError,
    strawberry.union("GroupJobResult"),
]
RegisterGroupUsagesResult = Annotated[
    GroupUsagesRegistered | NotFoundError | ValidationError,
    strawberry.union("RegisterGroupUsagesResult"),
]


def group_uuid(id: relay.GlobalID, *, field: str = "id") -> UUID:
    try:
        if id.type_name != Group.__name__:
            raise ValueError(id.type_name)
        return UUID(id.node_id)
    except ValueError as exc:
        raise NotFound("No such group.", field=field) from exc


def saved_or_error(exc: DomainError) -> SaveGroupResult:
    query_error = getattr(exc, "query_error", None)
    if query_error is not None:
        return QueryError(
            message=exc.message,
            code=user_error(exc).code,
            field="query",
            query_code=query_error.code.value,
            extra=cast(JSON, query_error.extra),
        )
    return user_error(exc)  # type: ignore[return-value]


async def group_list(info: Info[Context, None], kind: GroupKind | None = None) -> list[Group]:
    return [Group.from_record(g) for g in await groups.list_groups(info.context.caller, kind=kind)]


async def group(info: Info[Context, None], id: relay.GlobalID) -> Group | None:
    caller = info.context.caller
    try:
        record = await groups.get_group(caller, group_uuid(id))
    except NotFound:
        return None
    return Group.from_record(record) if record else None


async def create_group(info: Info[Context, None], input: GroupInput) -> SaveGroupResult:
    caller = info.context.caller
    caller.require_editor()
    try:
        record = await groups.create_group(caller, name=input.name or "", query=input.query)
    except DomainError as exc:
        return saved_or_error(exc)
    return GroupSaved(group=Group.from_record(record))


async def update_group(
    info: Info[Context, None], id: relay.GlobalID, input: GroupInput
) -> SaveGroupResult:
    caller = info.context.caller
    caller.require_editor()
    try:
        record = await groups.update_group(
            caller, group_uuid(id), name=input.name, query=input.query
        )
    except DomainError as exc:
        return saved_or_error(exc)
    return GroupSaved(group=Group.from_record(record))


async def delete_group(
    info: Info[Context, None], id: relay.GlobalID, acknowledge_usages: bool = False
) -> DeleteGroupResult:
    caller = info.context.caller
    caller.require_editor()
    try:
        await groups.delete_group(caller, group_uuid(id), acknowledge_usages=acknowledge_usages)
    except groups.GroupInUse as exc:
        return GroupInUseError(
            message=exc.message,
            code=user_error(exc).code,
            field=exc.field,
            usages=[
                Consumer(kind=u.consumer.kind, ref=u.consumer.ref, name=u.consumer.name)
                for u in exc.usages
            ],
        )
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return GroupDeleted(deleted_id=strawberry.ID(str(id)))


async def add_contacts_to_group(
    info: Info[Context, None], group_id: relay.GlobalID, contact_ids: list[relay.GlobalID]
) -> GroupMembersResult:
    return await _change_members(info, group_id, contact_ids, add=True)


async def remove_contacts_from_group(
    info: Info[Context, None], group_id: relay.GlobalID, contact_ids: list[relay.GlobalID]
) -> GroupMembersResult:
    return await _change_members(info, group_id, contact_ids, add=False)


async def _change_members(
    info: Info[Context, None],
    group_id: relay.GlobalID,
    contact_ids: list[relay.GlobalID],
    *,
    add: bool,
) -> GroupMembersResult:
    caller = info.context.caller
    caller.require_editor()
    change = group_members.add_contacts if add else group_members.remove_contacts
    try:
        uuids = [contact_uuid(c, field="contactIds") for c in contact_ids]
        record = await change(caller, group_uuid(group_id, field="groupId"), uuids)
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return GroupSaved(group=Group.from_record(record))


async def add_to_group(
    info: Info[Context, None], group_id: relay.GlobalID, selection: ContactSelectionInput
) -> GroupJobResult:
    return await _group_job(info, group_id, selection, add=True)


async def remove_from_group(
    info: Info[Context, None], group_id: relay.GlobalID, selection: ContactSelectionInput
) -> GroupJobResult:
    return await _group_job(info, group_id, selection, add=False)


async def _group_job(
    info: Info[Context, None],
    group_id: relay.GlobalID,
    selection: ContactSelectionInput,
    *,
    add: bool,
) -> GroupJobResult:
    caller = info.context.caller
    caller.require_editor()
    try:
        job = await group_members.start_group_job(
            caller,
            group_uuid(group_id, field="groupId"),
            await to_selection(caller, selection),
            add=add,
        )
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return JobStarted(job=Job.from_model(job))


async def register_group_usages(
    info: Info[Context, None],
    consumer: ConsumerInput,
    groups_: Annotated[list[relay.GlobalID], strawberry.argument(name="groups")],
) -> RegisterGroupUsagesResult:
    caller = info.context.caller
    try:
        records = await group_usage_registry.register(
            caller,
            kind=consumer.kind,
            ref=consumer.ref,
            name=consumer.name,
            group_uuids=[group_uuid(g, field="groups") for g in groups_],
        )
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return GroupUsagesRegistered(
        consumer=consumer.as_stored(),
        groups=[Group.from_record(r) for r in records],
    )


async def unregister_group_usages(info: Info[Context, None], consumer: ConsumerInput) -> int:
    caller = info.context.caller
    return await group_usage_registry.unregister(caller, kind=consumer.kind, ref=consumer.ref)
