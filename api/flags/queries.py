"""The flags domain's root query fields."""

from __future__ import annotations

import strawberry

from api.flags import resolvers as flags_resolvers

QUERIES = [
    strawberry.field(resolver=flags_resolvers.flag_list, name="flags"),
]
