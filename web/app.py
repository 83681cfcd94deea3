from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.context import Context
from api.schema import build_schema
from core.database import close_database, init_database
from core.queue import close_queue, open_queue, redis_reachable
from core.settings import Settings
from core.sql import sql
from web.auth import authenticate_request
from web.body_limit import LimitRequestBody
from web.disconnect import CancelOnDisconnect
from web.downloads import ROUTES as DOWNLOAD_ROUTES
from web.preflight import RequirePreflightHeader

log = logging.getLogger(__name__)


class ContactsGraphQL(GraphQL[Context, None]):
    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        auth = await authenticate_request(request)
        return Context(
            request=request,  # type: ignore[arg-type]
            authenticated=auth.caller,
            auth_refusal=auth.refusal,
        )


async def healthz(request: Request) -> JSONResponse:
    database = True
    try:
        await sql().fetchval("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "unreachable"
        database = False
    redis = await redis_reachable()
    healthy = database and redis
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "database": database, "redis": redis},
        status_code=200 if healthy else 503,
    )


def create_app(settings: Settings, *, manage_resources: bool = True) -> Starlette:
    """The HTTP app. `manage_resources=False` leaves database and queue set-up to the caller
    (tests share one set-up across many apps)."""
    assert settings.database_url and settings.redis_url, "resolve service URLs first"
    database_url, redis_url = settings.database_url, settings.redis_url

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_resources:
            await init_database(database_url, pool_max=settings.db_pool_max)
            await open_queue(redis_url, settings.queue_name)
        try:
            yield
        finally:
            if manage_resources:
                await close_queue()
                await close_database()

    graphql: Any = ContactsGraphQL(
        build_schema(settings),
        graphql_ide="graphiql",
        allow_queries_via_get=True,
        subscription_protocols=(),
        multipart_uploads_enabled=True,
    )
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            *DOWNLOAD_ROUTES,
        ],
        middleware=[
            Middleware(CancelOnDisconnect),
            Middleware(LimitRequestBody, max_bytes=settings.max_upload_bytes),
            Middleware(RequirePreflightHeader),
        ],
        lifespan=lifespan,
    )
