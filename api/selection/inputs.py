"""Which contacts a list, a job or an export is about: the inputs every domain shares."""

from __future__ import annotations

import strawberry

from models.enums import ContactStatus


@strawberry.input
class ContactFilterInput:
    status: list[ContactStatus] | None = None
    flags_any: list[str] | None = strawberry.field(
        default=None, description="Contacts with at least one of these flags (names)."
    )
    flags_all: list[str] | None = strawberry.field(
        default=None, description="Contacts with every one of these flags (names)."
    )
    search: str | None = strawberry.field(
        default=None, description="Matches name, phone, email, state and company."
    )
    query: str | None = strawberry.field(
        default=None, description='A contact query, e.g. `age > 40 AND group = "VIP"`.'
    )
    groups: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Contacts in at least one of these groups."
    )


@strawberry.input(description="Exactly one of `ids` or `filter`.")
class ContactSelectionInput:
    ids: list[strawberry.ID] | None = None
    filter: ContactFilterInput | None = None
