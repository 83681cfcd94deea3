"""The imports domain's mutations, in the order the schema lists them."""

from __future__ import annotations

import strawberry

from api.imports import resolvers as imports_resolvers

MUTATIONS = [
    strawberry.mutation(
        resolver=imports_resolvers.start_import,
        description="Upload a CSV/XLSX (multipart) or paste CSV; validation runs as a job.",
    ),
    strawberry.mutation(resolver=imports_resolvers.confirm_import),
    strawberry.mutation(resolver=imports_resolvers.cancel_import),
]
