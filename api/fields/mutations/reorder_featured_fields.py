from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import NotFoundError, ValidationError
from api.fields.types import ContactField
from services.fields import definitions as fields


@strawberry.type
class FeaturedFieldsReordered:
    fields: list[ContactField]


ReorderFeaturedFieldsResult = Annotated[
    FeaturedFieldsReordered | ValidationError | NotFoundError,
    strawberry.union("ReorderFeaturedFieldsResult"),
]


@strawberry.mutation(
    description="The full featured order; featured fields left out stop being featured."
)
async def reorder_featured_fields(
    info: Info[Context, None], keys: list[str]
) -> ReorderFeaturedFieldsResult:
    ordered = await fields.reorder_featured(info.context.caller, keys)
    return FeaturedFieldsReordered(fields=[ContactField.from_definition(d) for d in ordered])
