from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidStateError
from models.enums import FieldType
from services.fields.usage_registry import check_consumer
from services.fields.values import FieldDefinition, typed_value
from services.usages.registry import InUse, Usage

strawberry.enum(FieldType, name="FieldValueType")


@strawberry.type(description="Another system's use of a field or group (campaign, flow, ...).")
class Consumer:
    kind: str
    ref: str
    name: str

    @classmethod
    def from_usage(cls, usage: Usage) -> Consumer:
        return cls(kind=usage.consumer.kind, ref=usage.consumer.ref, name=usage.consumer.name)


@strawberry.type
class InUseError(InvalidStateError):
    """The fields of FieldInUseError and GroupInUseError (not a type of the schema itself)."""

    usages: list[Consumer]


InUseErrorT = TypeVar("InUseErrorT", bound=InUseError)


def in_use_error(member: type[InUseErrorT]) -> Callable[[InUse], InUseErrorT]:
    """Builds `member` from the service's `InUse`, for `register_error_type`."""

    def build(exc: InUse) -> InUseErrorT:
        return member(
            message=exc.message,
            code=exc.code,
            field=exc.field,
            usages=[Consumer.from_usage(u) for u in exc.usages],
        )

    return build


@strawberry.input
class ConsumerInput:
    kind: str = strawberry.field(description="e.g. campaign, flow, form, automation.")
    ref: str = strawberry.field(description="The consumer's own ID in its system.")
    name: str = ""

    def as_stored(self) -> Consumer:
        """The consumer as it is stored (kind lowercased, ref trimmed)."""
        kind, ref = check_consumer(self.kind, self.ref)
        return Consumer(kind=kind, ref=ref, name=self.name.strip() or ref)


@strawberry.type
class FieldUsages:
    smart_groups: list[Consumer]
    pending_imports: list[Consumer] = strawberry.field(
        description="Import mappings waiting to be confirmed that write to the field."
    )
    consumers: list[Consumer] = strawberry.field(description="Usages other systems registered.")
    contact_count: int = strawberry.field(description="Contacts that currently have a value.")

    @classmethod
    def build(cls, usages: list[Usage], contact_count: int) -> FieldUsages:
        def of(kind: str | None) -> list[Consumer]:
            return [
                Consumer.from_usage(u)
                for u in usages
                if (u.consumer.kind == kind)
                or (kind is None and u.consumer.kind not in ("smart_group", "import"))
            ]

        return cls(
            smart_groups=of("smart_group"),
            pending_imports=of("import"),
            consumers=of(None),
            contact_count=contact_count,
        )


@strawberry.type(description="A custom field definition.")
class ContactField:
    key: str
    name: str
    value_type: FieldType
    featured: bool
    position: int | None = strawberry.field(description="Order among featured fields.")
    definition: strawberry.Private[FieldDefinition]

    @classmethod
    def from_definition(cls, definition: FieldDefinition) -> ContactField:
        return cls(
            key=definition.key,
            name=definition.name,
            value_type=definition.value_type,
            featured=definition.featured,
            position=definition.position,
            definition=definition,
        )

    @strawberry.field(description="Where this field is used, and how many contacts have it.")
    async def usages(self, info: Info[Context, None]) -> FieldUsages:
        found = info.context.loaders
        usages = await found.field_usages.load(self.definition.id)
        count = await found.field_counts.load(self.definition.id)
        return FieldUsages.build(usages, count)


@strawberry.type(description="A contact's value for one field, read as the field's type.")
class FieldValue:
    field: ContactField
    text: str | None = strawberry.field(description="The value as it was entered.")
    number: Decimal | None
    datetime: datetime | None

    @classmethod
    def build(cls, definition: FieldDefinition, stored: dict[str, Any] | None) -> FieldValue:
        typed = typed_value(stored, definition.value_type)
        has_value = typed is not None
        return cls(
            field=ContactField.from_definition(definition),
            text=stored.get("text") if stored and has_value else None,
            number=Decimal(str(typed))
            if has_value and definition.value_type is FieldType.NUMBER
            else None,
            datetime=datetime.fromisoformat(typed.replace("Z", "+00:00"))
            if has_value and definition.value_type is FieldType.DATETIME
            else None,
        )
