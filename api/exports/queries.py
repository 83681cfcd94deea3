"""The exports domain's root query fields."""

from __future__ import annotations

import strawberry

from api.exports import resolvers as exports_resolvers

QUERIES = [
    strawberry.field(resolver=exports_resolvers.export),
    strawberry.field(
        resolver=exports_resolvers.exports_connection, name="exports", description="Newest first."
    ),
]
