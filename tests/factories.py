"""Plain async helpers that build data through the services, the way the API would."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from models import Workspace
from models.enums import ContactStatus, DateFormat, Role
from services import contacts, workspaces
from services.caller import Caller
from services.records import ContactRecord
from services.tokens import issue_token


@dataclass(frozen=True)
class Session:
    """A workspace member with a token, able to call the API."""

    caller: Caller
    token: str

    @property
    def workspace(self) -> Workspace:
        return self.caller.workspace

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def create_workspace(
    name: str = "Acme",
    *,
    country: str = "RW",
    timezone: str = "Africa/Kigali",
    date_format: DateFormat = DateFormat.DAY_FIRST,
) -> Workspace:
    return await workspaces.create_workspace(
        name=name, country=country, timezone=timezone, date_format=date_format
    )


async def create_session(
    workspace: Workspace | None = None, *, role: Role = Role.ADMIN, name: str = "Ann"
) -> Session:
    workspace = workspace or await create_workspace()
    issued = await issue_token(workspace=workspace, role=role, member_name=name)
    return Session(Caller(workspace=workspace, member=issued.member), issued.token)


async def create_contact(
    session: Session,
    name: str | None = "Bob",
    *,
    urns: Sequence[str] = (),
    flags: Sequence[str] = (),
    status: ContactStatus = ContactStatus.ACTIVE,
    **attributes: Any,
) -> ContactRecord:
    draft = contacts.ContactDraft(name=name, urns=urns, flags=flags, status=status, **attributes)
    return await contacts.create_contact(session.caller, draft)


async def gql(
    client: httpx.AsyncClient,
    session: Session | None,
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers=session.headers if session else {},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def global_id(type_name: str, uuid: object) -> str:
    from strawberry.relay import GlobalID

    return str(GlobalID(type_name, str(uuid)))
