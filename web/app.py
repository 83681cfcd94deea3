from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, cast

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api.context import Context
from api.extensions import UNAVAILABLE
from api.schema import build_schema
from core.database import close_database, init_database
from core.outage import RETRY_AFTER_SECONDS, unreachable, within
from core.queue import close_queue, open_queue, redis_reachable
from core.settings import Settings
from core.sql import sql
from web import graphiql
from web.auth import Authentication, authenticate_request
from web.body_limit import LimitRequestBody
from web.disconnect import CancelOnDisconnect
from web.downloads import ROUTES as DOWNLOAD_ROUTES
from web.json_depth import exceeds_depth
from web.preflight import RequirePreflightHeader
from web.refusals import Refusal, too_deep, unauthenticated, unavailable

log = logging.getLogger(__name__)

# graphql-core appends "Did you mean ...?" to validation and coercion errors, naming fields,
# arguments, types and enum values; production leaves the schema unsaid.
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


class ContactsGraphQL(GraphQL[Context, None]):
    """The GraphQL endpoint. A request is authenticated before its body is read: without a
    valid token it is answered at once (as the `Authenticated` permission would), so an
    anonymous client cannot make the service read and parse a large document."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.serves_graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(),
            multipart_uploads_enabled=True,
        )
        self.settings = settings

    @property
    def graphql_ide_html(self) -> str:
        return graphiql.page_html()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except Refusal as refusal:
            await refusal.response()(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        if isinstance(request, Request) and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            auth = Authentication(None)  # the GraphiQL page (or a 404 where it is off)
        else:
            auth = await self._authenticate(request)
            if auth.caller is None and isinstance(request, Request):
                log.info(
                    "refused %s %s: %s",
                    request.method,
                    request.url.path,
                    auth.refusal or "no token",
                )
                raise unauthenticated(auth.refusal, request.headers)
        return Context(
            request=request,  # type: ignore[arg-type]
            authenticated=auth.caller,
            auth_refusal=auth.refusal,
        )

    async def _authenticate(self, connection: HTTPConnection) -> Authentication:
        try:
            return await within(
                self.settings.dependency_timeout_seconds, authenticate_request(connection)
            )
        except Exception as exc:
            dependency = unreachable(exc)
            if dependency is None:
                raise
            log.warning(
                "answered 503 to %s %s: %s unreachable (%s: %s)",
                connection.scope.get("method", "WEBSOCKET"),
                connection.url.path,
                dependency,
                type(exc).__name__,
                exc,
            )
            raise unavailable(dependency) from exc

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        try:
            return await super().parse_multipart(request)
        except Refusal:
            # Refused after the form was read: close the files it spooled.
            starlette_request: Request = request._request
            await starlette_request.close()
            raise

    def decode_json(self, data: str | bytes) -> object:
        if exceeds_depth(data, self.settings.max_json_depth):
            raise too_deep(self.settings.max_json_depth)
        return super().decode_json(data)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        if self.settings.is_production:
            for error in processed.get("errors") or []:
                formatted = cast(dict[str, Any], error)
                formatted["message"] = SUGGESTION.sub("", str(formatted["message"]))
        return processed

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        results = response_data if isinstance(response_data, list) else [response_data]
        codes = {error_code(error) for result in results for error in result.get("errors") or []}
        if UNAVAILABLE in codes:
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def error_code(error: object) -> object:
    extensions = cast(dict[str, Any], error).get("extensions") or {}
    return extensions.get("code")


async def _reachable(check: Callable[[], Coroutine[Any, Any, object]], seconds: float) -> bool:
    try:
        return bool(await within(seconds, check()))
    except Exception:  # noqa: BLE001 - any failure, or no answer in time, means "unreachable"
        return False


def healthz_endpoint(settings: Settings) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def healthz(request: Request) -> JSONResponse:
        timeout = settings.dependency_timeout_seconds
        database, redis = await asyncio.gather(
            _reachable(lambda: sql().fetchval("SELECT 1"), timeout),
            _reachable(redis_reachable, timeout),
        )
        healthy = database and redis
        return JSONResponse(
            {"status": "ok" if healthy else "degraded", "database": database, "redis": redis},
            status_code=200 if healthy else 503,
            headers=None if healthy else {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    return healthz


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

    graphql: Any = ContactsGraphQL(settings)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz_endpoint(settings)),
            *(graphiql.routes() if settings.serves_graphiql else []),
            *DOWNLOAD_ROUTES,
        ],
        middleware=[
            Middleware(CancelOnDisconnect),
            Middleware(
                LimitRequestBody,
                max_upload_bytes=settings.max_upload_bytes,
                max_request_bytes=settings.max_request_bytes,
            ),
            Middleware(RequirePreflightHeader),
        ],
        lifespan=lifespan,
    )
