"""Where uploaded and exported files live: `<data_dir>/files/<workspace uuid>/<kind>/`.

Paths are stored relative to the files folder, so moving the data folder keeps them valid.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol
from uuid import UUID

from core.settings import get_settings
from services.errors import InvalidState

COPY_CHUNK = 1024 * 1024

log = logging.getLogger(__name__)


class FileExpired(InvalidState):
    """The stored file was deleted after its retention period (see core/settings.py)."""


class ByteSource(Protocol):
    """Anything read in pieces: an uploaded file, a local file, pasted text."""

    async def read(self, size: int = -1) -> bytes: ...


class TextSource:
    def __init__(self, text: str) -> None:
        self._data = text.encode()
        self._position = 0

    async def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._position + size
        piece = self._data[self._position : end]
        self._position += len(piece)
        return piece


class LocalFileSource:
    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    async def read(self, size: int = -1) -> bytes:
        return await asyncio.to_thread(self._handle.read, size)


def files_root() -> Path:
    return get_settings().data_dir / "files"


def relative_path(workspace_uuid: UUID, kind: str, name: str) -> str:
    return f"{workspace_uuid}/{kind}/{name}"


def absolute_path(relative: str) -> Path:
    return files_root() / relative


async def save_stream(source: ByteSource, relative: str) -> int:
    """Copy `source` to the stored file piece by piece; returns the size in bytes."""
    destination = absolute_path(relative)
    destination.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with destination.open("wb") as out:
        while chunk := await source.read(COPY_CHUNK):
            await asyncio.to_thread(out.write, chunk)
            size += len(chunk)
    return size


def delete_file(relative: str) -> None:
    absolute_path(relative).unlink(missing_ok=True)


def delete_files(relatives: Iterable[str]) -> set[str]:
    """Deletes each stored file, a missing one being already gone; returns those that could
    not be deleted (logged), so the caller can try them again later."""
    failed: set[str] = set()
    for relative in relatives:
        try:
            delete_file(relative)
        except OSError:
            log.exception("Could not delete the stored file %s", relative)
            failed.add(relative)
    return failed
