"""The request context: who is asking, and the per-request loaders."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError
from starlette.requests import Request

from api.loaders import Loaders
from services.access.caller import Caller

MISSING_TOKEN = "Authentication required: send an API token as 'Authorization: Bearer <token>'."


@dataclass
class Context:
    request: Request
    authenticated: Caller | None
    # Why the Authorization header sent identifies nobody (None when no header was sent).
    auth_refusal: str | None = None

    def __post_init__(self) -> None:
        self._loaders = Loaders(self.authenticated.workspace_id) if self.authenticated else None

    @property
    def caller(self) -> Caller:
        """The caller; every root field is guarded by `permissions.Authenticated`, so this
        raises only where a guard was forgotten, with the same answer the guard gives."""
        if self.authenticated is None:
            raise self.unauthenticated()
        return self.authenticated

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            raise self.unauthenticated()
        return self._loaders

    def unauthenticated(self) -> GraphQLError:
        return GraphQLError(
            self.auth_refusal or MISSING_TOKEN, extensions={"code": "UNAUTHENTICATED"}
        )
