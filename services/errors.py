"""Typed domain failures. Resolvers map each to a GraphQL error type; workers report them."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    DUPLICATE_URN = "DUPLICATE_URN"
    DUPLICATE_NAME = "DUPLICATE_NAME"
    INVALID_STATE = "INVALID_STATE"
    LIMIT_REACHED = "LIMIT_REACHED"
    CONFIRMATION_MISMATCH = "CONFIRMATION_MISMATCH"


class DomainError(Exception):
    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class InvalidInput(DomainError):
    code = ErrorCode.INVALID


class InvalidState(DomainError):
    code = ErrorCode.INVALID_STATE


class DuplicateName(DomainError):
    code = ErrorCode.DUPLICATE_NAME


class LimitReached(DomainError):
    code = ErrorCode.LIMIT_REACHED


class ConfirmationMismatch(DomainError):
    code = ErrorCode.CONFIRMATION_MISMATCH


class DuplicateURN(DomainError):
    code = ErrorCode.DUPLICATE_URN

    def __init__(
        self, message: str, *, field: str | None, urn: str, contact_uuid: str | None
    ) -> None:
        super().__init__(message, field=field)
        self.urn = urn
        self.contact_uuid = contact_uuid


class InvalidQuery(DomainError):
    """A contact query that cannot be read; `query_code` is the query language's own code."""

    code = ErrorCode.INVALID

    def __init__(self, query_code: str, message: str, extra: dict[str, str]) -> None:
        super().__init__(message, field="query")
        self.query_code = query_code
        self.extra = extra


class PermissionDenied(Exception):
    """Not a user error: surfaces as a top-level GraphQL error with code FORBIDDEN."""
