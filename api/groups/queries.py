"""The groups domain's root query fields."""

from __future__ import annotations

import strawberry

from api.groups import resolvers as groups_resolvers

QUERIES = [
    strawberry.field(resolver=groups_resolvers.group_list, name="groups"),
    strawberry.field(resolver=groups_resolvers.group),
]
