from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    DuplicateNameError,
    InvalidStateError,
    LimitReachedError,
    NotFoundError,
    ValidationError,
    user_error,
)
from api.fields.types import Consumer, ContactField
from api.jobs.types import Job
from models.enums import FieldType
from services.errors import DomainError
from services.fields import definitions as fields
from services.fields import usage_registry as field_usage_registry


@strawberry.input
class CreateFieldInput:
    name: str
    value_type: FieldType = FieldType.TEXT
    key: str | None = strawberry.field(default=None, description="Derived from the name if absent.")
    featured: bool = False


@strawberry.input
class UpdateFieldInput:
    name: str | None = None
    featured: bool | None = None


@strawberry.input
class ConsumerInput:
    kind: str = strawberry.field(description="e.g. campaign, flow, form, automation.")
    ref: str = strawberry.field(description="The consumer's own ID in its system.")
    name: str = ""


@strawberry.type
class FieldCreated:
    contact_field: ContactField


@strawberry.type
class FieldUpdated:
    contact_field: ContactField


@strawberry.type
class FeaturedFieldsReordered:
    fields: list[ContactField]


@strawberry.type
class FieldTypeChanged:
    contact_field: ContactField
    converted: int = strawberry.field(description="Values that read as the new type.")
    not_converted: int = strawberry.field(
        description="Values kept as entered but empty for the new type."
    )
    dry_run: bool
    job: Job | None = strawberry.field(
        description="The job reading many values as the new type; until it ends, queries on "
        "this field are slower."
    )


@strawberry.type
class FieldDeleted:
    key: str
    values_removed: int = strawberry.field(description="Values removed at once (small fields).")
    job: Job | None = strawberry.field(description="The job removing values, for large fields.")


@strawberry.type
class FieldInUseError(InvalidStateError):
    usages: list[Consumer]


@strawberry.type
class FieldUsagesRegistered:
    consumer: Consumer
    keys: list[str]


@strawberry.type
class FieldUsagesUnregistered:
    consumer: Consumer
    removed: int


CreateFieldResult = Annotated[
    FieldCreated | ValidationError | DuplicateNameError | LimitReachedError,
    strawberry.union("CreateFieldResult"),
]
UpdateFieldResult = Annotated[
    FieldUpdated | ValidationError | DuplicateNameError | NotFoundError,
    strawberry.union("UpdateFieldResult"),
]
ReorderFeaturedFieldsResult = Annotated[
    FeaturedFieldsReordered | ValidationError | NotFoundError,
    strawberry.union("ReorderFeaturedFieldsResult"),
]
ChangeFieldTypeResult = Annotated[
    FieldTypeChanged | NotFoundError | InvalidStateError,
    strawberry.union("ChangeFieldTypeResult"),
]
DeleteFieldResult = Annotated[
    FieldDeleted | NotFoundError | FieldInUseError, strawberry.union("DeleteFieldResult")
]
RegisterFieldUsagesResult = Annotated[
    FieldUsagesRegistered | ValidationError | NotFoundError,
    strawberry.union("RegisterFieldUsagesResult"),
]


def echo_consumer(consumer: ConsumerInput) -> Consumer:
    """The consumer as it is stored (kind lowercased, ref trimmed)."""
    kind, ref = field_usage_registry.check_consumer(consumer.kind, consumer.ref)
    return Consumer(kind=kind, ref=ref, name=consumer.name.strip() or ref)


async def field_list(info: Info[Context, None], featured: bool | None = None) -> list[ContactField]:
    caller = info.context.caller
    definitions = await fields.list_fields(caller.workspace_id, featured=featured)
    return [ContactField.from_definition(d) for d in definitions]


async def field(info: Info[Context, None], key: str) -> ContactField | None:
    definition = await fields.get_field(info.context.caller.workspace_id, key)
    return ContactField.from_definition(definition) if definition else None


async def create_field(info: Info[Context, None], input: CreateFieldInput) -> CreateFieldResult:
    caller = info.context.caller
    try:
        created = await fields.create_field(
            caller, name=input.name, value_type=input.value_type, key=input.key,
            featured=input.featured,
        )  # fmt: skip
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return FieldCreated(contact_field=ContactField.from_definition(created))


async def update_field(
    info: Info[Context, None], key: str, input: UpdateFieldInput
) -> UpdateFieldResult:
    caller = info.context.caller
    try:
        updated = await fields.update_field(caller, key, name=input.name, featured=input.featured)
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return FieldUpdated(contact_field=ContactField.from_definition(updated))


async def reorder_featured_fields(
    info: Info[Context, None], keys: list[str]
) -> ReorderFeaturedFieldsResult:
    caller = info.context.caller
    try:
        ordered = await fields.reorder_featured(caller, keys)
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return FeaturedFieldsReordered(fields=[ContactField.from_definition(d) for d in ordered])


async def change_field_type(
    info: Info[Context, None], key: str, value_type: FieldType, dry_run: bool = False
) -> ChangeFieldTypeResult:
    caller = info.context.caller
    try:
        report = await fields.change_field_type(caller, key, value_type, dry_run=dry_run)
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return FieldTypeChanged(
        contact_field=ContactField.from_definition(report.field),
        converted=report.converted,
        not_converted=report.not_converted,
        dry_run=dry_run,
        job=await _job(info, report.job_uuid),
    )


async def delete_field(
    info: Info[Context, None], key: str, acknowledge_usages: bool = False
) -> DeleteFieldResult:
    caller = info.context.caller
    try:
        deletion = await fields.delete_field(caller, key, acknowledge_usages=acknowledge_usages)
    except fields.FieldInUse as exc:
        return FieldInUseError(
            message=exc.message,
            code=user_error(exc).code,
            field=exc.field,
            usages=[Consumer(kind=u.consumer.kind, ref=u.consumer.ref, name=u.consumer.name)
                    for u in exc.usages],
        )  # fmt: skip
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    job = await _job(info, deletion.job_uuid)
    return FieldDeleted(key=deletion.field.key, values_removed=deletion.values_removed, job=job)


async def _job(info: Info[Context, None], job_uuid: UUID | None) -> Job | None:
    if job_uuid is None:
        return None
    return (await Job.resolve_nodes(info=info, node_ids=[str(job_uuid)]))[0]


async def register_field_usages(
    info: Info[Context, None], consumer: ConsumerInput, keys: list[str]
) -> RegisterFieldUsagesResult:
    caller = info.context.caller
    try:
        registered = await field_usage_registry.register(
            caller, kind=consumer.kind, ref=consumer.ref, name=consumer.name, keys=keys
        )
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return FieldUsagesRegistered(
        consumer=echo_consumer(consumer),
        keys=registered,
    )


async def unregister_field_usages(
    info: Info[Context, None], consumer: ConsumerInput
) -> FieldUsagesUnregistered:
    caller = info.context.caller
    removed = await field_usage_registry.unregister(caller, kind=consumer.kind, ref=consumer.ref)
    return FieldUsagesUnregistered(
        consumer=echo_consumer(consumer),
        removed=removed,
    )
