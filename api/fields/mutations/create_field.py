from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import DuplicateNameError, LimitReachedError, ValidationError
from api.fields.types import ContactField
from models.enums import FieldType
from services.fields import definitions as fields


@strawberry.input
class CreateFieldInput:
    name: str
    value_type: FieldType = FieldType.TEXT
    key: str | None = strawberry.field(default=None, description="Derived from the name if absent.")
    featured: bool = False


@strawberry.type
class FieldCreated:
    contact_field: ContactField


CreateFieldResult = Annotated[
    FieldCreated | ValidationError | DuplicateNameError | LimitReachedError,
    strawberry.union("CreateFieldResult"),
]


@strawberry.mutation
async def create_field(info: Info[Context, None], input: CreateFieldInput) -> CreateFieldResult:
    created = await fields.create_field(
        info.context.caller,
        name=input.name,
        value_type=input.value_type,
        key=input.key,
        featured=input.featured,
    )
    return FieldCreated(contact_field=ContactField.from_definition(created))
