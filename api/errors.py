"""Expected failures, returned as members of each mutation's result union."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry
from strawberry.extensions.field_extension import (
    AsyncExtensionResolver,
    FieldExtension,
    SyncExtensionResolver,
)
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField
from strawberry.types.union import StrawberryUnion

from api.relay import global_id
from api.text_input import refuse_nul
from services.errors import (
    ConfirmationMismatch,
    DomainError,
    DuplicateName,
    DuplicateURN,
    ErrorCode,
    InvalidQuery,
    InvalidState,
    LimitReached,
    NotFound,
)

# The codes are the services' own (ErrorCode), exposed under this name.
strawberry.enum(ErrorCode, name="UserErrorCode")


@strawberry.interface(description="A problem with the request that the caller can fix.")
class UserError:
    message: str
    code: ErrorCode
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


_KINDS: dict[type[DomainError], type[UserError]] = {
    NotFound: NotFoundError,
    InvalidState: InvalidStateError,
    DuplicateName: DuplicateNameError,
    LimitReached: LimitReachedError,
    ConfirmationMismatch: ConfirmationError,
}


E = TypeVar("E", bound=DomainError)
U = TypeVar("U", bound=UserError)

# A domain's own error types, each answering a domain error in the unions that have it.
_DOMAIN_ANSWERS: list[tuple[type[DomainError], type[UserError], Callable[[Any], UserError]]] = []


@strawberry.type(description="A query that cannot be read.")
class QueryError(UserError):
    query_code: str = strawberry.field(
        description="Stable code: syntax, unknown_property, invalid_number, ..."
    )
    extra: JSON


def _query_error(exc: InvalidQuery) -> QueryError:
    return QueryError(
        message=exc.message,
        code=exc.code,
        field="query",
        query_code=exc.query_code,
        extra=cast(JSON, exc.extra),
    )


def register_error_type(error: type[E], member: type[U], build: Callable[[E], U]) -> None:
    """`member`, made by `build`, answers `error` (and its subclasses) in the result unions
    that have it as a member; in the others `error` is answered as `user_error` answers it."""
    _DOMAIN_ANSWERS.append((error, member, build))


register_error_type(InvalidQuery, QueryError, _query_error)


def user_error(exc: DomainError) -> UserError:
    """The error type for a domain error: the one mapping from the services' failures."""
    if isinstance(exc, DuplicateURN):
        return DuplicateURNError(
            message=exc.message,
            code=exc.code,
            field=exc.field,
            urn=exc.urn,
            existing_contact_id=None
            if exc.contact_uuid is None
            else global_id("Contact", exc.contact_uuid),
        )
    kind = _KINDS.get(type(exc), ValidationError)
    return kind(message=exc.message, code=exc.code, field=exc.field)


class UserErrors(FieldExtension):
    """A root field whose result is a union with error types returns a domain error raised by
    its resolver as the union's member for it: the domain's own error type where one is
    registered (`register_error_type`), else the shared one `user_error` gives. A domain error
    the union has no member for stays a top-level error (with its code; see
    `extensions.ErrorCodes`). An argument holding a NUL character is refused (InvalidInput,
    `field` naming its path) before the resolver runs."""

    def __init__(self) -> None:
        super().__init__()
        self.members: tuple[type, ...] = ()
        self.field: StrawberryField | None = None

    def apply(self, field: StrawberryField) -> None:
        self.field = field
        result = field.type
        if isinstance(result, StrawberryOptional):
            result = result.of_type
        if isinstance(result, StrawberryUnion):
            self.members = tuple(t for t in result.types if isinstance(t, type))

    def _answer(self, exc: DomainError) -> UserError:
        for kind, member, build in _DOMAIN_ANSWERS:
            if isinstance(exc, kind) and member in self.members:
                return build(exc)
        error = user_error(exc)
        if not isinstance(error, self.members):
            raise exc
        return error

    def _refuse_nul(self, info: Info, arguments: dict[str, Any]) -> None:
        if self.field is not None and arguments:
            refuse_nul(self.field, arguments, info.schema.config.name_converter)

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Info, **kwargs: Any) -> Any:
        try:
            self._refuse_nul(info, kwargs)
            return next_(source, info, **kwargs)
        except DomainError as exc:
            return self._answer(exc)

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        try:
            self._refuse_nul(info, kwargs)
            return await next_(source, info, **kwargs)
        except DomainError as exc:
            return self._answer(exc)
