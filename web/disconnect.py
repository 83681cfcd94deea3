"""A request whose client has gone is cancelled, and the database work with it.

Once the app has read the whole request body, nothing else reads from the connection until the
response is sent, so a client that closes its connection (a closed tab, a timed-out proxy)
would leave its request running to the end: a count of minutes went on holding a connection
and a core after nobody waited for it. This middleware reads the connection beside the app and
cancels the app's task when it reports `http.disconnect` before the response is complete;
asyncpg then asks PostgreSQL to cancel the statement the task was waiting for.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class CancelOnDisconnect:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_read = asyncio.Event()
        gone = asyncio.Event()
        responded = False

        async def app_receive() -> Message:
            if body_read.is_set():  # the rest is the watcher's: only a disconnect can come
                await gone.wait()
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
            if message["type"] == "http.disconnect" or not message.get("more_body", False):
                body_read.set()
            return message

        async def app_send(message: Message) -> None:
            nonlocal responded
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                responded = True
            await send(message)

        async def watch() -> None:
            await body_read.wait()
            while not gone.is_set():
                if (await receive())["type"] == "http.disconnect":
                    gone.set()

        async def run() -> None:
            await self.app(scope, app_receive, app_send)

        app_task = asyncio.create_task(run())
        watcher = asyncio.create_task(watch())
        gone_task = asyncio.create_task(gone.wait())
        try:
            await asyncio.wait({app_task, gone_task}, return_when=asyncio.FIRST_COMPLETED)
            if app_task.done() or responded:
                await app_task
                return
            app_task.cancel()
            try:
                await app_task
            except asyncio.CancelledError:
                if _being_cancelled():  # the server stopping this request: let it through
                    raise
        finally:
            for task in (watcher, gone_task, app_task):
                task.cancel()
            await asyncio.gather(watcher, gone_task, app_task, return_exceptions=True)


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
