"""Answers given before a GraphQL request is parsed or run, shaped as GraphQL errors: a missing
or refused token, an unreachable dependency, JSON nested too deep."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse

from api.context import MISSING_TOKEN
from api.extensions import UNAVAILABLE, unavailable_message
from core.outage import RETRY_AFTER_SECONDS, Dependency


class Refusal(Exception):
    def __init__(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        error = {"message": self.message, "extensions": {"code": self.code}}
        return JSONResponse(
            {"data": None, "errors": [error]}, status_code=self.status, headers=self.headers
        )


def unauthenticated(refusal: str | None, headers: Headers) -> Refusal:
    """The answer the `Authenticated` permission gives (HTTP 200, `UNAUTHENTICATED`), given
    before the body is read; the connection is closed so that an unread body is not sent."""
    has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
    return Refusal(
        200,
        "UNAUTHENTICATED",
        refusal or MISSING_TOKEN,
        headers={"Connection": "close"} if has_body else None,
    )


def unavailable(dependency: Dependency) -> Refusal:
    return Refusal(
        503,
        UNAVAILABLE,
        unavailable_message(dependency),
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def too_deep(limit: int) -> Refusal:
    return Refusal(
        400,
        "BAD_REQUEST",
        f"The request's JSON nests arrays and objects more than {limit} levels deep "
        "(MAX_JSON_DEPTH): send flatter variables.",
    )
