from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import RunWorker
from tests.factories import create_contact, create_session, gql

CREATE = """
mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    __typename
    ... on ContactCreated { contact { id name status urns { identity } flags { name } } }
    ... on UserError { message code field }
  }
}
"""


async def test_create_archive_and_read_back(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    body = await gql(
        client,
        session,
        CREATE,
        {"input": {"name": "Ann", "urns": ["tel:0788 383 383"], "flags": ["VIP"]}},
    )
    assert "errors" not in body, body
    created = body["data"]["createContact"]
    assert created["__typename"] == "ContactCreated"
    contact = created["contact"]
    assert contact["urns"] == [{"identity": "tel:+250788383383"}]
    body = await gql(
        client,
        session,
        """mutation($ids: [ID!]) { archiveContacts(selection: {ids: $ids}) {
            ... on JobStarted { job { id status progress { done total } } } } }""",
        {"ids": [contact["id"]]},
    )
    assert "errors" not in body, body
    job = body["data"]["archiveContacts"]["job"]
    assert job["status"] == "QUEUED" and job["progress"]["total"] == 1
    await run_worker()
    body = await gql(
        client,
        session,
        """query($id: ID!, $c: ID!) { job(id: $id) { status progress { done } changedCount }
            contact(id: $c) { status history { edges { node { kind data actorKind } } } } }""",
        {"id": job["id"], "c": contact["id"]},
    )
    assert "errors" not in body, body
    assert body["data"]["job"] == {
        "status": "SUCCEEDED",
        "progress": {"done": 1},
        "changedCount": 1,
    }
    assert body["data"]["contact"]["status"] == "ARCHIVED"
    kinds = [e["node"]["kind"] for e in body["data"]["contact"]["history"]["edges"]]
    assert kinds == ["STATUS_CHANGED", "CREATED"]


async def test_contact_list_costs_the_same_queries_for_one_or_many(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    session = await create_session()
    query = "{ contacts(first: 50) { edges { node { name urns { path } flags { name } } } } }"
    await create_contact(session, "A", urns=["tel:0788000001"], flags=["VIP"])
    await gql(client, session, "{ me { member { name } } }")  # first use stamps the token
    with count_queries() as one:
        body = await gql(client, session, query)
    assert len(body["data"]["contacts"]["edges"]) == 1
    for i in range(2, 12):
        await create_contact(session, f"C{i}", urns=[f"tel:07880000{i:02d}"], flags=["VIP", "X"])
    with count_queries() as many:
        body = await gql(client, session, query)
    assert len(body["data"]["contacts"]["edges"]) == 11
    assert many.count == one.count, "\n---\n".join(many.statements + ["======"] + one.statements)
