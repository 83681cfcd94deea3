"""Documents and readers shared by the audience tests."""

from __future__ import annotations

from typing import Any

import httpx
from strawberry.relay import GlobalID

from core.sql import sql
from models.enums import ContactStatus
from services.contacts.records import ContactRecord
from services.editing import contacts
from tests.factories import (
    Session,
    data_of,
    gql,
    job_uuid,
)

AUDIENCE = """
query($input: AudienceInput!, $first: Int!, $after: String) {
  audience(input: $input) {
    __typename
    ... on Audience {
      canonicalQuery count
      contacts(first: $first, after: $after) {
        totalCount edges { node { name } } pageInfo { hasNextPage endCursor }
      }
    }
    ... on QueryError { message code field queryCode extra }
  }
}
"""
SNAPSHOT = """
mutation($input: AudienceInput!) {
  createAudienceSnapshot(input: $input) {
    __typename
    ... on AudienceSnapshotStarted {
      snapshot { id query status count contacts { totalCount } }
      job { id kind status progress { total } }
    }
    ... on QueryError { message code field queryCode extra }
  }
}
"""
READ_SNAPSHOT = """
query($id: ID!, $first: Int!, $after: String) {
  audienceSnapshot(id: $id) {
    id query status count expiresOn job { status }
    contacts(first: $first, after: $after) {
      totalCount edges { node { name status } } pageInfo { hasNextPage endCursor }
    }
  }
}
"""


SNAPSHOT = """
mutation($input: AudienceInput!) {
  createAudienceSnapshot(input: $input) {
    __typename
    ... on AudienceSnapshotStarted {
      snapshot { id query status count contacts { totalCount } }
      job { id kind status progress { total } }
    }
    ... on QueryError { message code field queryCode extra }
  }
}
"""
READ_SNAPSHOT = """
query($id: ID!, $first: Int!, $after: String) {
  audienceSnapshot(id: $id) {
    id query status count expiresOn job { status }
    contacts(first: $first, after: $after) {
      totalCount edges { node { name status } } pageInfo { hasNextPage endCursor }
    }
  }
}
"""


READ_SNAPSHOT = """
query($id: ID!, $first: Int!, $after: String) {
  audienceSnapshot(id: $id) {
    id query status count expiresOn job { status }
    contacts(first: $first, after: $after) {
      totalCount edges { node { name status } } pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def audience(
    client: httpx.AsyncClient, session: Session, first: int = 50, **input: Any
) -> dict[str, Any]:
    body = await gql(client, session, AUDIENCE, {"input": input, "first": first})
    result: dict[str, Any] = data_of(body)["audience"]
    return result


async def contact_named(session: Session, name: str) -> ContactRecord:
    uuid = await sql().fetchval(
        "SELECT uuid FROM contact WHERE workspace_id = $1 AND name = $2",
        session.workspace.id,
        name,
    )
    found = await contacts.get_contact(session.caller, uuid)
    assert found is not None
    return found


def names_of(connection: dict[str, Any]) -> list[str]:
    return [e["node"]["name"] for e in connection["edges"]]


async def read_snapshot(
    client: httpx.AsyncClient, session: Session, snapshot_id: str, first: int = 50
) -> Any:
    body = await gql(client, session, READ_SNAPSHOT, {"id": snapshot_id, "first": first})
    return data_of(body)["audienceSnapshot"]


async def start_snapshot(
    client: httpx.AsyncClient, session: Session, **input: Any
) -> tuple[str, str]:
    """The snapshot's global ID and its job's UUID."""
    started = data_of(await gql(client, session, SNAPSHOT, {"input": input}))[
        "createAudienceSnapshot"
    ]
    return started["snapshot"]["id"], job_uuid(started["job"]["id"])


async def frozen_rows(snapshot_id: str) -> int:
    count: int = await sql().fetchval(
        "SELECT count(*) FROM audience_snapshot_contact s JOIN audience_snapshot a "
        "ON a.id = s.snapshot_id WHERE a.uuid = $1",
        GlobalID.from_id(snapshot_id).node_id,
    )
    return count


async def delete_contact(session: Session, name: str) -> None:
    found = await contact_named(session, name)
    archived = contacts.ContactPatch(status=ContactStatus.ARCHIVED)
    await contacts.update_contact(session.caller, found.uuid, archived)
    await contacts.delete_contact(session.caller, found.uuid)


def lifecycle(snapshot: dict[str, Any]) -> tuple[str, int | None, Any]:
    return snapshot["status"], snapshot["count"], snapshot["contacts"]
