from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import DuplicateNameError, NotFoundError, ValidationError
from api.fields.types import ContactField
from services.fields import definitions as fields


@strawberry.input
class UpdateFieldInput:
    name: str | None = None
    featured: bool | None = None


@strawberry.type
class FieldUpdated:
    contact_field: ContactField


UpdateFieldResult = Annotated[
    FieldUpdated | ValidationError | DuplicateNameError | NotFoundError,
    strawberry.union("UpdateFieldResult"),
]


@strawberry.mutation
async def update_field(
    info: Info[Context, None], key: str, input: UpdateFieldInput
) -> UpdateFieldResult:
    updated = await fields.update_field(
        info.context.caller, key, name=input.name, featured=input.featured
    )
    return FieldUpdated(contact_field=ContactField.from_definition(updated))
