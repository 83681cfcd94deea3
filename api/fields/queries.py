"""The fields domain's root query fields."""

from __future__ import annotations

import strawberry

from api.fields import resolvers as fields_resolvers

QUERIES = [
    strawberry.field(
        resolver=fields_resolvers.field_list,
        name="fields",
        description="Featured fields first in their order, then the others by name.",
    ),
    strawberry.field(resolver=fields_resolvers.field),
]
