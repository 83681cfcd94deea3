"""Authentication for every root field. Roles and switched-off permissions are rules of the
services (`Caller.require_*`), checked there whatever the entry point."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from api.context import Context


class Authenticated(BasePermission):
    """Refuses a request without a valid token: `UNAUTHENTICATED`, saying why."""

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        if info.context.authenticated is None:
            raise info.context.unauthenticated()
        return True
