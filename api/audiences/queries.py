"""The audiences domain's root query fields."""

from __future__ import annotations

import strawberry

from api.audiences import resolvers as audiences_resolvers

QUERIES = [
    strawberry.field(
        resolver=audiences_resolvers.parse_contact_query,
        description="Reads a contact query: its canonical form, the fields and groups it uses.",
    ),
    strawberry.field(
        resolver=audiences_resolvers.audience,
        description="Who a campaign would reach now: count, canonical query and contacts.",
    ),
    strawberry.field(resolver=audiences_resolvers.audience_snapshot),
]
