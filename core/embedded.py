"""Embedded defaults: without DATABASE_URL or REDIS_URL the service runs its own servers.

Their data lives under `settings.data_dir` and survives restarts. A server stays up while this
process lives and stops when the last process using it exits.
"""

from __future__ import annotations

import atexit
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from core.embedded_errors import EmbeddedServerError
from core.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceURLs:
    database_url: str
    redis_url: str


class _Server(Protocol):
    def __init__(self, directory: Path) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...


ServerT = TypeVar("ServerT", bound=_Server)

_running: dict[Path, _Server] = {}


def resolve_service_urls(settings: Settings) -> ServiceURLs:
    """The configured URLs, with an embedded server standing in for each one that is unset."""
    return ServiceURLs(
        database_url=resolve_database_url(settings), redis_url=resolve_redis_url(settings)
    )


def resolve_database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    # The embedded servers' packages are development dependencies: imported only when used.
    from core.postgres_server import EmbeddedPostgres

    return embedded_server(EmbeddedPostgres, data_folder(settings) / "postgres").url()


def resolve_redis_url(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    from core.redis_server import EmbeddedRedis

    return embedded_server(EmbeddedRedis, data_folder(settings) / "redis").url


def data_folder(settings: Settings) -> Path:
    folder = settings.data_dir.expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EmbeddedServerError(
            f"Cannot create the data folder {folder} ({exc.strerror}); "
            "set DATA_DIR to a writable folder."
        ) from exc
    return folder


def embedded_server(kind: type[ServerT], directory: Path) -> ServerT:
    """The server of `kind` for `directory`, started once per process."""
    server = _running.get(directory)
    if isinstance(server, kind):
        return server
    started = kind(directory)
    try:
        started.start()
    except PermissionError as exc:
        raise EmbeddedServerError(
            f"No permission to use {exc.filename or directory}; "
            "set DATA_DIR to a folder this account owns."
        ) from exc
    if not _running:
        atexit.register(stop_embedded_servers)
    _running[directory] = started
    return started


def stop_embedded_servers() -> None:
    """Leave every embedded server this process started or joined; safe to call twice."""
    while _running:
        directory, server = _running.popitem()
        try:
            server.stop()
        except Exception:
            log.exception("could not stop the embedded server in %s", directory)
