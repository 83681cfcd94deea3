"""The audiences domain's mutations, in the order the schema lists them."""

from __future__ import annotations

import strawberry

from api.audiences import resolvers as audiences_resolvers

MUTATIONS = [
    strawberry.mutation(
        resolver=audiences_resolvers.create_audience_snapshot,
        description="Freezes who matches now, so a sender can page a stable list.",
    ),
]
