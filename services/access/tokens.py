from __future__ import annotations

import hashlib
import secrets
import uuid as uuidlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models import ApiToken, Member, Workspace
from models.enums import Role
from services.access.caller import Caller

TOKEN_PREFIX = "ct_"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    member: Member
    api_token: ApiToken


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(*, workspace: Workspace, role: Role, member_name: str) -> IssuedToken:
    """Create a member with `role` and a token for it; the plaintext exists only in the result."""
    member = await Member.create(
        workspace=workspace, uuid=uuidlib.uuid4(), name=member_name, role=role
    )
    return await issue_token_for(member)


async def issue_token_for(member: Member) -> IssuedToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = await ApiToken.create(
        workspace_id=member.workspace_id,
        member=member,
        uuid=uuidlib.uuid4(),
        key_hash=hash_token(token),
        prefix=token[: len(TOKEN_PREFIX) + 6],
    )
    return IssuedToken(token=token, member=member, api_token=api_token)


async def authenticate(
    token: str, *, touch_after: timedelta = timedelta(minutes=1)
) -> Caller | None:
    """The caller behind a bearer token, or None for unknown and revoked tokens."""
    api_token = (
        await ApiToken.filter(key_hash=hash_token(token), revoked_on__isnull=True)
        .select_related("member", "workspace")
        .first()
    )
    if api_token is None:
        return None
    now = datetime.now(UTC)
    if api_token.last_used_on is None or now - api_token.last_used_on > touch_after:
        # Throttled so that a busy client does not turn every read into a write.
        await ApiToken.filter(id=api_token.id).update(last_used_on=now)
    return Caller(workspace=api_token.workspace, member=api_token.member)


async def revoke_token(*, workspace: Workspace, token_ref: str) -> bool:
    """Revoke by plaintext token, visible prefix or token UUID; False when nothing matched."""
    query = ApiToken.filter(workspace_id=workspace.id, revoked_on__isnull=True)
    try:
        matches = query.filter(uuid=uuidlib.UUID(token_ref))
    except ValueError:
        if token_ref.startswith(TOKEN_PREFIX) and len(token_ref) > 20:
            matches = query.filter(key_hash=hash_token(token_ref))
        else:
            matches = query.filter(prefix=token_ref)
    return await matches.update(revoked_on=datetime.now(UTC)) > 0
