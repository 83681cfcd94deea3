"""The contacts domain's root query fields."""

from __future__ import annotations

import strawberry

from api.contacts import resolvers as contacts_resolvers

QUERIES = [
    strawberry.field(resolver=contacts_resolvers.contact),
    strawberry.field(resolver=contacts_resolvers.contacts_connection, name="contacts"),
]
