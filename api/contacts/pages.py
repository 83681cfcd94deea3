"""One page of a contact list in the order a client asks for, shared by every contact list."""

from __future__ import annotations

from api.common import SortDirection
from api.contacts.inputs import ContactOrderInput
from api.contacts.types import ContactConnection
from services.access.caller import Caller
from services.contacts import listing as contact_list
from services.contacts.filters import ContactFilter
from services.keyset import PageRequest


async def ordered_contacts(
    caller: Caller, flt: ContactFilter, order: ContactOrderInput, page: PageRequest
) -> ContactConnection:
    found = await contact_list.list_contacts(
        caller,
        flt,
        order=order.field,
        field_key=order.field_key,
        descending=order.direction is SortDirection.DESC,
        page=page,
    )
    return ContactConnection.from_page(found, lambda: contact_list.count_contacts(caller, flt))
