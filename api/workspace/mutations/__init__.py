"""The workspace domain's mutations, in the order the schema lists them."""

from __future__ import annotations

import strawberry

from api.workspace import resolvers as workspace_resolvers

MUTATIONS = [
    strawberry.mutation(resolver=workspace_resolvers.set_member_permissions),
]
