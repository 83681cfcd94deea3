"""Expiring download links for export files and import error files.

A link carries a random token (only its hash is stored) and belongs to the member who asked
for it; every download checks again that the link has not expired and that the member still
may export (or import, for error files).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

from core.settings import get_settings
from core.sql import sql
from models import Member
from models.enums import Permission, Role
from services.access.caller import Caller
from services.exports import statements

DOWNLOAD_PREFIX = "/downloads/"
# An expired link answers "expired" (410) for this long, then "unknown" (404) once pruned.
EXPIRED_LINKS_KEPT = timedelta(days=30)
PRUNE_BATCH = 5000


def link_lifetime() -> timedelta:
    return timedelta(seconds=get_settings().download_link_seconds)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class DownloadLink:
    path: str
    expires_on: datetime


class LinkRefusal(Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True, slots=True)
class LinkTarget:
    workspace_id: int
    export_id: int | None
    import_id: int | None


async def create_link(
    caller: Caller, *, export_id: int | None = None, import_id: int | None = None
) -> DownloadLink:
    assert (export_id is None) != (import_id is None)
    token = secrets.token_urlsafe(32)
    expires_on = datetime.now(UTC) + link_lifetime()
    await sql().execute(
        statements.CREATE_LINK,
        caller.workspace_id,
        _hash(token),
        caller.member.id,
        export_id,
        import_id,
        expires_on,
    )
    return DownloadLink(DOWNLOAD_PREFIX + token, expires_on)


async def open_link(token: str) -> LinkTarget | LinkRefusal:
    row = await sql().fetchrow(statements.LINK_BY_TOKEN, _hash(token))
    if row is None:
        return LinkRefusal.UNKNOWN
    if row["expires_on"] <= datetime.now(UTC):
        return LinkRefusal.EXPIRED
    member = await Member.get_or_none(id=row["member_id"], workspace_id=row["workspace_id"])
    needed = Permission.EXPORT if row["export_id"] is not None else Permission.IMPORT
    if member is None or member.role is Role.VIEWER or not member.can(needed):
        return LinkRefusal.FORBIDDEN
    return LinkTarget(row["workspace_id"], row["export_id"], row["import_id"])


async def prune_expired_links(kept_for: timedelta = EXPIRED_LINKS_KEPT) -> int:
    """Deletes links that expired more than `kept_for` ago; returns how many."""
    pruned = 0
    while True:
        deleted: int = await sql().fetchval(statements.PRUNE_EXPIRED_LINKS, kept_for, PRUNE_BATCH)
        pruned += deleted
        if deleted < PRUNE_BATCH:
            return pruned
