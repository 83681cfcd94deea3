"""The jobs domain's mutations, in the order the schema lists them."""

from __future__ import annotations

import strawberry

from api.jobs import resolvers as jobs_resolvers

MUTATIONS = [
    strawberry.mutation(resolver=jobs_resolvers.cancel_job),
]
