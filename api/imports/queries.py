"""The imports domain's root query fields."""

from __future__ import annotations

import strawberry

from api.imports import resolvers as imports_resolvers

QUERIES = [
    strawberry.field(resolver=imports_resolvers.import_, name="import"),
    strawberry.field(
        resolver=imports_resolvers.imports_connection, name="imports", description="Newest first."
    ),
    strawberry.field(resolver=imports_resolvers.import_template),
]
