"""The contacts domain's root query fields: one contact, and the list in any order."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.contacts.inputs import ContactOrderInput
from api.contacts.pages import ordered_contacts
from api.contacts.types import Contact, ContactConnection
from api.context import Context
from api.relay import node_uuid
from api.selection.filters import to_filter
from api.selection.inputs import ContactFilterInput
from services.keyset import PageRequest


@strawberry.field
async def contact(info: Info[Context, None], id: strawberry.ID) -> Contact | None:
    uuid = node_uuid(id, "Contact")
    if uuid is None:
        return None
    return (await Contact.resolve_nodes(info=info, node_ids=[str(uuid)]))[0]


@strawberry.field(name="contacts")
async def contacts_connection(
    info: Info[Context, None],
    filter: ContactFilterInput | None = None,
    order: ContactOrderInput | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> ContactConnection:
    caller = info.context.caller
    return await ordered_contacts(
        caller,
        await to_filter(caller, filter),
        order or ContactOrderInput(),
        PageRequest(first=first, after=after, last=last, before=before),
    )


QUERIES = [contact, contacts_connection]
