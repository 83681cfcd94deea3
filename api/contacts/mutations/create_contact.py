from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.contacts.inputs import CreateContactInput, field_values_input
from api.contacts.types import Contact
from api.context import Context
from api.errors import DuplicateURNError, ValidationError
from services.editing import contacts


@strawberry.type
class ContactCreated:
    contact: Contact


CreateContactResult = Annotated[
    ContactCreated | ValidationError | DuplicateURNError,
    strawberry.union("CreateContactResult"),
]


@strawberry.mutation
async def create_contact(
    info: Info[Context, None], input: CreateContactInput
) -> CreateContactResult:
    draft = contacts.ContactDraft(
        name=input.name,
        language=input.language,
        status=input.status,
        company=input.company,
        job_title=input.job_title,
        country=input.country,
        state=input.state,
        notes=input.notes,
        urns=input.urns,
        flags=input.flags,
        fields=field_values_input(input.fields),
    )
    record = await contacts.create_contact(info.context.caller, draft)
    return ContactCreated(contact=Contact.from_record(record))
