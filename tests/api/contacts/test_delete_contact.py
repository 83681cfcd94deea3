"""deleteContact: only an archived contact is deleted, and its addresses are free again."""

from __future__ import annotations

import httpx

from tests.api.contacts.support import CONTACT, create, update
from tests.factories import contact_gid, create_contact, create_session, data_of, gql

DELETE = """
mutation($id: ID!) {
  deleteContact(id: $id) {
    __typename
    ... on ContactDeleted { deletedId }
    ... on UserError { message code field }
  }
}
"""


async def test_delete_contact_refuses_a_contact_that_is_not_archived(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    result = data_of(await gql(client, session, DELETE, {"id": contact_gid(ann)}))
    assert result["deleteContact"] == {
        "__typename": "InvalidStateError",
        "message": "Only archived contacts can be deleted; archive this contact first.",
        "code": "INVALID_STATE",
        "field": "id",
    }
    assert data_of(await gql(client, session, CONTACT, {"id": contact_gid(ann)}))["contact"]


async def test_delete_contact_deletes_an_archived_contact(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    assert (await update(client, session, contact_gid(ann), status="ARCHIVED"))["contact"][
        "status"
    ] == "ARCHIVED"
    result = data_of(await gql(client, session, DELETE, {"id": contact_gid(ann)}))
    assert result["deleteContact"] == {
        "__typename": "ContactDeleted",
        "deletedId": contact_gid(ann),
    }
    assert data_of(await gql(client, session, CONTACT, {"id": contact_gid(ann)})) == {
        "contact": None
    }
    again = data_of(await gql(client, session, DELETE, {"id": contact_gid(ann)}))
    assert again["deleteContact"]["__typename"] == "NotFoundError"
    # The address is free again.
    assert (await create(client, session, urns=["tel:0788 383 383"]))["__typename"] == (
        "ContactCreated"
    )
