from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError
from starlette.requests import Request
from strawberry.types import Info

from resolvers.loaders import Loaders
from services.caller import Caller


@dataclass
class Context:
    request: Request
    caller: Caller | None
    loaders: Loaders | None


def require_caller(info: Info[Context, None]) -> Caller:
    caller = info.context.caller
    if caller is None:
        raise GraphQLError(
            "Authentication required: send an API token as 'Authorization: Bearer <token>'.",
            extensions={"code": "UNAUTHENTICATED"},
        )
    return caller


def loaders(info: Info[Context, None]) -> Loaders:
    require_caller(info)
    assert info.context.loaders is not None
    return info.context.loaders
