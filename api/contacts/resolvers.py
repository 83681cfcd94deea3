from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.contacts.filters import contact_uuid, to_filter
from api.contacts.inputs import (
    ContactFilterInput,
    ContactOrderInput,
    CreateContactInput,
    UpdateContactInput,
)
from api.contacts.pages import ordered_contacts
from api.contacts.types import Contact, ContactConnection
from api.context import Context
from api.errors import (
    DuplicateURNError,
    InvalidStateError,
    NotFoundError,
    ValidationError,
    user_error,
)
from models.enums import Permission
from services.editing import contacts
from services.editing.maybe import UNSET
from services.errors import DomainError, InvalidInput
from services.keyset import PageRequest


@strawberry.type
class ContactCreated:
    contact: Contact


@strawberry.type
class ContactUpdated:
    contact: Contact


@strawberry.type
class ContactDeleted:
    deleted_id: strawberry.ID


CreateContactResult = Annotated[
    ContactCreated | ValidationError | DuplicateURNError,
    strawberry.union("CreateContactResult"),
]
UpdateContactResult = Annotated[
    ContactUpdated | ValidationError | DuplicateURNError | NotFoundError,
    strawberry.union("UpdateContactResult"),
]
DeleteContactResult = Annotated[
    ContactDeleted | NotFoundError | InvalidStateError | ValidationError,
    strawberry.union("DeleteContactResult"),
]


async def contact(info: Info[Context, None], id: relay.GlobalID) -> Contact | None:
    if id.type_name != Contact.__name__:
        return None
    found = await Contact.resolve_nodes(info=info, node_ids=[id.node_id])
    return found[0]


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
    flt = await to_filter(caller, filter)
    return await ordered_contacts(
        caller,
        flt,
        order or ContactOrderInput(),
        PageRequest(first=first, after=after, last=last, before=before),
    )


async def create_contact(
    info: Info[Context, None], input: CreateContactInput
) -> CreateContactResult:
    caller = info.context.caller
    caller.require_editor()
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
    )
    try:
        draft = replace(draft, fields=field_values_input(input.fields))
        return ContactCreated(
            contact=Contact.from_record(await contacts.create_contact(caller, draft))
        )
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]


def field_values_input(raw: object) -> dict[str, str | None]:
    """`{"age": "42", "joined": null}`; numbers are accepted and read as their text."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInput('Field values must be an object such as {"age": "42"}.', field="fields")
    values: dict[str, str | None] = {}
    for key, value in raw.items():
        if value is None or isinstance(value, str):
            values[str(key)] = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values[str(key)] = str(value)
        else:
            raise InvalidInput(
                f"The value for field {key} must be text, a number or null.", field=f"fields.{key}"
            )
    return values


def _maybe(value: object) -> object:
    return UNSET if value is strawberry.UNSET else value


async def update_contact(
    info: Info[Context, None], input: UpdateContactInput
) -> UpdateContactResult:
    caller = info.context.caller
    caller.require_editor()
    try:
        if input.status is None:
            raise InvalidInput("A contact always has a status.", field="status")
        patch = contacts.ContactPatch(
            **{  # type: ignore[arg-type]
                key: _maybe(getattr(input, key))
                for key in (
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
            },
            add_flags=input.add_flags,
            remove_flags=input.remove_flags,
            fields=field_values_input(input.fields),
        )
        if input.urns is None:
            patch = replace(patch, urns=[])  # an explicit null clears, like []
        record = await contacts.update_contact(caller, contact_uuid(input.id), patch)
        return ContactUpdated(contact=Contact.from_record(record))
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]


async def delete_contact(info: Info[Context, None], id: relay.GlobalID) -> DeleteContactResult:
    caller = info.context.caller
    caller.require(Permission.DELETE_CONTACTS)
    try:
        await contacts.delete_contact(caller, contact_uuid(id))
    except DomainError as exc:
        return user_error(exc)  # type: ignore[return-value]
    return ContactDeleted(deleted_id=strawberry.ID(str(id)))
