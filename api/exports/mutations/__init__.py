"""The exports domain's mutations, in the order the schema lists them."""

from __future__ import annotations

import strawberry

from api.exports import resolvers as exports_resolvers

MUTATIONS = [
    strawberry.mutation(resolver=exports_resolvers.start_export),
]
