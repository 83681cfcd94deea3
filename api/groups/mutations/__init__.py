"""The groups domain's mutations, in the order the schema lists them."""

from __future__ import annotations

import strawberry

from api.groups import resolvers as groups_resolvers

MUTATIONS = [
    strawberry.mutation(resolver=groups_resolvers.create_group),
    strawberry.mutation(
        resolver=groups_resolvers.update_group,
        description="Rename a group, or change a smart group's query (re-evaluated by a job).",
    ),
    strawberry.mutation(resolver=groups_resolvers.delete_group),
    strawberry.mutation(
        resolver=groups_resolvers.add_contacts_to_group,
        description="Up to 100 active contacts at once.",
    ),
    strawberry.mutation(resolver=groups_resolvers.remove_contacts_from_group),
    strawberry.mutation(
        resolver=groups_resolvers.add_to_group, description="A large selection, as a job."
    ),
    strawberry.mutation(
        resolver=groups_resolvers.remove_from_group, description="A large selection, as a job."
    ),
    strawberry.mutation(resolver=groups_resolvers.register_group_usages),
    strawberry.mutation(resolver=groups_resolvers.unregister_group_usages),
]
