"""Multipart GraphQL requests must carry a header that forces a CORS preflight.

Browsers send a multipart/form-data POST from any site without asking first (an HTML form
can); a custom header makes them ask, and the CORS policy then decides. This is the check
Apollo and urql clients are built for: they send one of these headers with every upload.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

PREFLIGHT_HEADERS = ("graphql-preflight", "apollo-require-preflight", "x-apollo-operation-name")
REFUSAL = (
    "Multipart requests (file uploads) must include one of the headers GraphQL-Preflight, "
    "Apollo-Require-Preflight or X-Apollo-Operation-Name."
)


class RequirePreflightHeader:
    def __init__(self, app: ASGIApp, *, path: str = "/graphql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and self._refused(scope):
            body = {"errors": [{"message": REFUSAL, "extensions": {"code": "BAD_REQUEST"}}]}
            await JSONResponse(body, status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _refused(scope: Scope) -> bool:
        headers = Headers(scope=scope)
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        return multipart and not any(name in headers for name in PREFLIGHT_HEADERS)
