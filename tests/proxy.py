"""A TCP proxy in front of PostgreSQL that a test can cut, stall and restore: the database as
its clients see it go away, stop answering, and come back, without touching the server others
use."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit


class Proxy:
    """Forwards TCP connections to a server; `cut()` drops them all and refuses new ones until
    `restore()`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.transports: set[asyncio.WriteTransport] = set()
        self.flowing = asyncio.Event()  # cleared: connections stay open, nothing passes
        self.flowing.set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._forward, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        self.server = None
        for transport in list(self.transports):
            transport.abort()
        self.transports.clear()

    async def restore(self) -> None:
        await self.start()

    async def close(self) -> None:
        """Drops every connection, the ones held while nothing flows included."""
        self.flowing.set()
        if self.server is not None:
            await self.cut()
        for transport in list(self.transports):
            transport.abort()
        self.transports.clear()
        await asyncio.sleep(0.05)  # lets the forwarding tasks see their sockets closed

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.transports.add(writer.transport)
        await self.flowing.wait()
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        if self.server is None:  # cut while connecting
            upstream_writer.transport.abort()
            writer.transport.abort()
            return
        self.transports |= {writer.transport, upstream_writer.transport}
        await asyncio.gather(
            self._pump(reader, upstream_writer), self._pump(upstream_reader, writer)
        )

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                if self.flowing.is_set():
                    writer.write(data)
                    await writer.drain()
        except OSError:
            pass
        finally:
            self.transports.discard(writer.transport)
            writer.transport.abort()


@contextlib.asynccontextmanager
async def database_proxy(database_url: str) -> AsyncIterator[tuple[Proxy, str]]:
    """A proxy started in front of the database `database_url` names, and the URL that reaches
    that database through it; closed, every connection with it, at the end."""
    target = urlsplit(database_url)
    proxy = Proxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    try:
        yield proxy, through(database_url, proxy.port)
    finally:
        await proxy.close()


def through(url: str, port: int) -> str:
    """`url` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))
