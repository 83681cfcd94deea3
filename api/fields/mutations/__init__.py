"""The fields domain's mutations, in the order the schema lists them."""

from __future__ import annotations

import strawberry

from api.fields import resolvers as fields_resolvers

MUTATIONS = [
    strawberry.mutation(resolver=fields_resolvers.create_field),
    strawberry.mutation(resolver=fields_resolvers.update_field),
    strawberry.mutation(
        resolver=fields_resolvers.reorder_featured_fields,
        description="The full featured order; featured fields left out stop being featured.",
    ),
    strawberry.mutation(resolver=fields_resolvers.change_field_type),
    strawberry.mutation(resolver=fields_resolvers.delete_field),
    strawberry.mutation(resolver=fields_resolvers.register_field_usages),
    strawberry.mutation(resolver=fields_resolvers.unregister_field_usages),
]
