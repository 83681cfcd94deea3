from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import SchemaExtension

from core.outage import Dependency, unreachable
from core.sql import StatementTimeout
from services.errors import DomainError, InvalidQuery, PermissionDenied

log = logging.getLogger("contacts.graphql")

UNAVAILABLE = "SERVICE_UNAVAILABLE"
EXPOSED_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "BAD_REQUEST", UNAVAILABLE}


def unavailable_message(dependency: Dependency) -> str:
    return f"The service cannot reach its {dependency} right now; retry in a few seconds."


class ErrorCodes(SchemaExtension):
    """Gives top-level errors a machine-readable `extensions.code`."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            original = error.original_error
            dependency = unreachable(original) if original is not None else None
            if dependency is not None:
                # Not a bug and not the caller's mistake: said plainly, answered with 503.
                error.message = unavailable_message(dependency)
                error.extensions = {**(error.extensions or {}), "code": UNAVAILABLE}
            elif isinstance(original, PermissionDenied):
                error.extensions = {**(error.extensions or {}), "code": "FORBIDDEN"}
            elif isinstance(original, StrawberryInputCoercionError):
                # An argument that is not of its type, such as a malformed global ID.
                error.extensions = {**(error.extensions or {}), "code": "BAD_REQUEST"}
            elif isinstance(original, StatementTimeout):
                error.message = (
                    f"The request took longer than {original.seconds:g} s and was stopped: "
                    "narrow it (a smaller page, fewer or simpler query conditions, no totalCount)."
                )
                error.extensions = {**(error.extensions or {}), "code": "TIMEOUT"}
            elif isinstance(original, DomainError):
                # A query argument the caller can fix (a stale cursor, an unknown sort field).
                extra: dict[str, object] = {"field": original.field} if original.field else {}
                if isinstance(original, InvalidQuery):
                    extra["queryError"] = {"code": original.query_code, "extra": original.extra}
                error.extensions = {
                    **(error.extensions or {}),
                    "code": original.code.value,
                    **extra,
                }


def is_exposed(error: GraphQLError) -> bool:
    """Errors a client is meant to see, because they are the client's to fix: a document that
    does not validate, an argument or ID that cannot be read, a missing or bad token, a missing
    permission, a domain rule. The rest are masked in production and logged."""
    original = error.original_error
    if original is None or isinstance(
        original, PermissionDenied | DomainError | StrawberryInputCoercionError | StatementTimeout
    ):
        return True
    code = (error.extensions or {}).get("code")
    if code == UNAVAILABLE or (isinstance(original, GraphQLError) and code in EXPOSED_CODES):
        return True
    return False


def is_unavailable(error: GraphQLError) -> bool:
    """Raised by an unreachable dependency: `ErrorCodes` gives it its code after execution, and
    `Schema.process_errors` sees it before."""
    original = error.original_error
    code = (error.extensions or {}).get("code")
    return code == UNAVAILABLE or (original is not None and unreachable(original) is not None)


def log_unavailable(errors: list[GraphQLError]) -> None:
    """One warning for a request that met an unreachable dependency, without a traceback:
    the outage is not in our code, and every request during it would repeat the same stack."""
    original = errors[0].original_error
    dependency = unreachable(original) if original is not None else None
    log.warning(
        "answered 503: %s unreachable (%s: %s)", dependency, type(original).__name__, original
    )


def log_unexpected(error: GraphQLError) -> None:
    log.error("unexpected error in GraphQL execution", exc_info=error.original_error)


def log_client_error(error: GraphQLError) -> None:
    """One line, no traceback: the stack of a caller's mistake tells us nothing, and a client
    retrying a bad token must not be able to bury real failures in the log."""
    where = ".".join(str(key) for key in error.path or ())
    log.info("client error%s: %s", f" at {where}" if where else "", error.message)


def should_mask(error: GraphQLError) -> bool:
    exposed = is_exposed(error)
    if not exposed:
        log_unexpected(error)
    return not exposed
