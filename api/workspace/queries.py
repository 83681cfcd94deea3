"""The workspace domain's root query fields."""

from __future__ import annotations

import strawberry

from api.workspace import resolvers as workspace_resolvers

QUERIES = [
    strawberry.field(resolver=workspace_resolvers.node),
    strawberry.field(resolver=workspace_resolvers.me),
    strawberry.field(resolver=workspace_resolvers.member_list, name="members"),
]
