"""The servers a test starts of its own: a port for each, and waiting until one serves."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def until_healthy(http: httpx.AsyncClient, *, within: float = 30) -> None:
    """Until the service `http` talks to answers /healthz with 200."""
    deadline = time.monotonic() + within
    while True:
        with contextlib.suppress(httpx.TransportError):
            if (await http.get("/healthz")).status_code == 200:
                return
        assert time.monotonic() < deadline, f"{http.base_url} never answered /healthz"
        await asyncio.sleep(0.05)
