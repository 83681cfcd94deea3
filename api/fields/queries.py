"""The fields domain's root query fields."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields.types import ContactField
from services.fields import definitions as fields


@strawberry.field(
    name="fields", description="Featured fields first in their order, then the others by name."
)
async def field_list(info: Info[Context, None], featured: bool | None = None) -> list[ContactField]:
    caller = info.context.caller
    definitions = await fields.list_fields(caller.workspace_id, featured=featured)
    return [ContactField.from_definition(d) for d in definitions]


@strawberry.field
async def field(info: Info[Context, None], key: str) -> ContactField | None:
    definition = await fields.get_field(info.context.caller.workspace_id, key)
    return ContactField.from_definition(definition) if definition else None


QUERIES = [field_list, field]
