from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError
from starlette.requests import Request
from strawberry.types import Info

from api.loaders import Loaders
from services.access.caller import Caller

MISSING_TOKEN = "Authentication required: send an API token as 'Authorization: Bearer <token>'."


@dataclass
class Context:
    request: Request
    caller: Caller | None
    loaders: Loaders | None
    # Why the Authorization header sent identifies nobody (None when no header was sent).
    auth_refusal: str | None = None


def require_caller(info: Info[Context, None]) -> Caller:
    caller = info.context.caller
    if caller is None:
        raise GraphQLError(
            info.context.auth_refusal or MISSING_TOKEN, extensions={"code": "UNAUTHENTICATED"}
        )
    return caller


def loaders(info: Info[Context, None]) -> Loaders:
    require_caller(info)
    assert info.context.loaders is not None
    return info.context.loaders
