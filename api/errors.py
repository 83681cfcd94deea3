"""Expected failures, returned as members of each mutation's result union."""

from __future__ import annotations

from enum import Enum

import strawberry

from services.errors import (
    ConfirmationMismatch,
    DomainError,
    DuplicateName,
    DuplicateURN,
    InvalidState,
    LimitReached,
    NotFound,
)


@strawberry.enum
class UserErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    DUPLICATE_URN = "DUPLICATE_URN"
    DUPLICATE_NAME = "DUPLICATE_NAME"
    INVALID_STATE = "INVALID_STATE"
    LIMIT_REACHED = "LIMIT_REACHED"
    CONFIRMATION_MISMATCH = "CONFIRMATION_MISMATCH"


@strawberry.interface(description="A problem with the request that the caller can fix.")
class UserError:
    message: str
    code: UserErrorCode
    field: str | None = strawberry.field(description="The input field at fault, if one is.")


@strawberry.type
class ValidationError(UserError):
    pass


@strawberry.type
class NotFoundError(UserError):
    pass


@strawberry.type
class InvalidStateError(UserError):
    pass


@strawberry.type
class DuplicateNameError(UserError):
    pass


@strawberry.type
class LimitReachedError(UserError):
    pass


@strawberry.type
class ConfirmationError(UserError):
    pass


@strawberry.type
class DuplicateURNError(UserError):
    urn: str
    existing_contact_id: strawberry.ID | None = strawberry.field(
        description="Global ID of the contact that already has this address; null in a "
        "workspace that hides addresses (anonymous), where who owns one stays unsaid."
    )


def user_error(exc: DomainError) -> UserError:
    code = UserErrorCode(exc.code.value)
    if isinstance(exc, DuplicateURN):
        from api.contacts.types import Contact

        return DuplicateURNError(
            message=exc.message,
            code=code,
            field=exc.field,
            urn=exc.urn,
            existing_contact_id=None
            if exc.contact_uuid is None
            else strawberry.ID(str(strawberry.relay.GlobalID(Contact.__name__, exc.contact_uuid))),
        )
    kinds: dict[type[DomainError], type[UserError]] = {
        NotFound: NotFoundError,
        InvalidState: InvalidStateError,
        DuplicateName: DuplicateNameError,
        LimitReached: LimitReachedError,
        ConfirmationMismatch: ConfirmationError,
    }
    return kinds.get(type(exc), ValidationError)(message=exc.message, code=code, field=exc.field)
