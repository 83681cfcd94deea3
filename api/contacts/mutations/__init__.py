"""The contacts domain's mutations, in the order the schema lists them."""

from __future__ import annotations

import strawberry

from api.contacts import resolvers as contacts_resolvers
from api.jobs import resolvers as jobs_resolvers

MUTATIONS = [
    strawberry.mutation(resolver=contacts_resolvers.create_contact),
    strawberry.mutation(resolver=contacts_resolvers.update_contact),
    strawberry.mutation(
        resolver=contacts_resolvers.delete_contact,
        description="Deletes an archived contact for good.",
    ),
    strawberry.mutation(resolver=jobs_resolvers.archive_contacts),
    strawberry.mutation(resolver=jobs_resolvers.restore_contacts),
    strawberry.mutation(
        resolver=jobs_resolvers.delete_contacts,
        description="Deletes the archived contacts selected.",
    ),
    strawberry.mutation(
        resolver=jobs_resolvers.delete_all_contacts,
        description='Deletes every contact; `confirmation` must read "delete all contacts in '
        '<workspace name>". Cannot be undone.',
    ),
]
