"""Request bodies larger than the service accepts are refused with 413, before they are stored.

Starlette spools an uploaded file to a temporary file as it reads the request, with no size
limit of its own, so an oversized upload would fill the disk before any resolver saw it. A
body that declares its size is refused before a byte is read; one sent without (chunked) is
cut off once it grows past the limit.

Two limits: a multipart body (an import file) may reach MAX_UPLOAD_BYTES; any other body (a
GraphQL document and its variables, read whole into memory and parsed) MAX_REQUEST_BYTES.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _BodyTooLarge(Exception):
    pass


class LimitRequestBody:
    def __init__(self, app: ASGIApp, *, max_upload_bytes: int, max_request_bytes: int) -> None:
        self.app = app
        self.max_upload_bytes = max_upload_bytes
        self.max_request_bytes = max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        upload = headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.max_upload_bytes if upload else self.max_request_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(scope, receive, send, limit, upload=upload)
            return
        received = 0
        responding = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal responding
            responding = responding or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _BodyTooLarge:
            if responding:
                raise
            await _refuse(scope, receive, send, limit, upload=upload)


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int, *, upload: bool) -> None:
    if upload:
        message = (
            f"The request is larger than the {_readable(limit)} this service accepts "
            "(MAX_UPLOAD_BYTES): split the file and import the parts."
        )
    else:
        message = (
            f"The request is larger than the {_readable(limit)} this service accepts for a "
            "request that is not a file upload (MAX_REQUEST_BYTES): send files as multipart "
            "uploads, and fewer or smaller variables."
        )
    body = {"errors": [{"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}
    # The rest of the body is not read: closing the connection keeps the client from sending
    # it (the server would otherwise read and discard it to reuse the connection).
    headers = {"Connection": "close"}
    await JSONResponse(body, status_code=413, headers=headers)(scope, receive, send)


def _readable(size: int) -> str:
    for unit, step in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= step:
            return f"{size / step:.3g} {unit}"
    return f"{size} bytes"
