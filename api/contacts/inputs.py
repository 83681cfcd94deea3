from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.common import SortDirection
from models.enums import ContactStatus
from services.contacts.listing import ContactOrder
from services.errors import InvalidInput

strawberry.enum(ContactOrder, name="ContactOrderField")


@strawberry.input
class CreateContactInput:
    name: str | None = None
    language: str | None = strawberry.field(
        default=None,
        description="ISO 639-3 code; a two-letter code or the English name is read as it.",
    )
    status: ContactStatus = ContactStatus.ACTIVE
    company: str | None = None
    job_title: str | None = None
    country: str | None = None
    state: str | None = None
    notes: str | None = None
    urns: list[str] = strawberry.field(
        default_factory=list,
        description="Addresses as `scheme:path`, highest priority first, e.g. `tel:0788 383 383`.",
    )
    flags: list[str] = strawberry.field(
        default_factory=list, description="Flag names; missing flags are created."
    )
    fields: JSON | None = strawberry.field(
        default=None, description='Field values by key, e.g. {"age": "42"}; null clears one.'
    )


@strawberry.input(description="Only the fields given change; `null` clears a value.")
class UpdateContactInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    status: ContactStatus | None = strawberry.UNSET
    company: str | None = strawberry.UNSET
    job_title: str | None = strawberry.UNSET
    country: str | None = strawberry.UNSET
    state: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    urns: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces all addresses (highest priority first); `[]` removes them all.",
    )
    add_flags: list[str] = strawberry.field(default_factory=list)
    remove_flags: list[str] = strawberry.field(default_factory=list)
    fields: JSON | None = strawberry.field(
        default=None, description='Field values by key, e.g. {"age": "42"}; null clears one.'
    )


@strawberry.input
class ContactOrderInput:
    field: ContactOrder = ContactOrder.CREATED_ON
    field_key: str | None = strawberry.field(
        default=None, description="Order by this custom field's value instead (empty last)."
    )
    direction: SortDirection = SortDirection.DESC


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
