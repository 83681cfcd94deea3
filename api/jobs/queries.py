"""The jobs domain's root query fields."""

from __future__ import annotations

import strawberry

from api.jobs import resolvers as jobs_resolvers

QUERIES = [
    strawberry.field(resolver=jobs_resolvers.job),
    strawberry.field(resolver=jobs_resolvers.jobs_connection, name="jobs"),
]
