"""The flags domain's mutations, in the order the schema lists them."""

from __future__ import annotations

import strawberry

from api.flags import resolvers as flags_resolvers
from api.jobs import resolvers as jobs_resolvers

MUTATIONS = [
    strawberry.mutation(resolver=flags_resolvers.create_flag),
    strawberry.mutation(resolver=flags_resolvers.delete_flag),
    strawberry.mutation(resolver=jobs_resolvers.add_flags),
    strawberry.mutation(resolver=jobs_resolvers.remove_flags),
]
