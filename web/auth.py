"""Who is calling: the API token in a request's `Authorization: Bearer <token>` header."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from services.access.caller import Caller
from services.access.tokens import authenticate

MALFORMED_HEADER = (
    "The Authorization header is not valid: send an API token as 'Authorization: Bearer <token>'."
)
# One message for tokens that never existed and tokens that were revoked: which of the two it
# was is not for whoever holds the token to learn.
INVALID_TOKEN = "The API token is not valid: it is unknown or has been revoked."


@dataclass(frozen=True, slots=True)
class Authentication:
    """The caller; without an Authorization header both fields are None (an anonymous request)."""

    caller: Caller | None
    refusal: str | None = None  # why the Authorization header sent identifies nobody


async def authenticate_request(connection: HTTPConnection) -> Authentication:
    header = connection.headers.get("authorization", "").strip()
    if not header:
        return Authentication(None)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return Authentication(None, MALFORMED_HEADER)
    caller = await authenticate(token.strip())
    return Authentication(caller, None if caller else INVALID_TOKEN)
