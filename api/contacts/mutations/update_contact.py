from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.contacts.inputs import UpdateContactInput, field_values_input
from api.contacts.types import Contact
from api.context import Context
from api.errors import DuplicateURNError, NotFoundError, ValidationError
from api.selection.filters import contact_uuid
from services.editing import contacts
from services.editing.maybe import UNSET
from services.errors import InvalidInput

PATCHED = (
    "name",
    "language",
    "status",
    "company",
    "job_title",
    "country",
    "state",
    "notes",
    "urns",
)


@strawberry.type
class ContactUpdated:
    contact: Contact


UpdateContactResult = Annotated[
    ContactUpdated | ValidationError | DuplicateURNError | NotFoundError,
    strawberry.union("UpdateContactResult"),
]


@strawberry.mutation
async def update_contact(
    info: Info[Context, None], input: UpdateContactInput
) -> UpdateContactResult:
    if input.status is None:
        raise InvalidInput("A contact always has a status.", field="status")
    patch = contacts.ContactPatch(
        **{key: _maybe(getattr(input, key)) for key in PATCHED},  # type: ignore[arg-type]
        add_flags=input.add_flags,
        remove_flags=input.remove_flags,
        fields=field_values_input(input.fields),
    )
    if input.urns is None:
        patch = replace(patch, urns=[])  # an explicit null clears, like []
    record = await contacts.update_contact(info.context.caller, contact_uuid(input.id), patch)
    return ContactUpdated(contact=Contact.from_record(record))


def _maybe(value: object) -> object:
    return UNSET if value is strawberry.UNSET else value
