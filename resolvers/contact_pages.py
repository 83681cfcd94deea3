"""One page of a contact list in the order a client asks for, shared by every contact list."""

from __future__ import annotations

from schema.common import SortDirection
from schema.contact_inputs import ContactOrderInput
from schema.contacts import ContactConnection
from services import contact_list
from services.caller import Caller
from services.contact_filters import ContactFilter
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
