"""A group's members read from the group (`Group.contacts`) and a contact's groups read from
the contact (`Contact.groups`), as a front-end shows them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.groups.documents import ADD_FEW, ask, create_group, ready_group
from tests.conftest import RunWorker
from tests.factories import (
    assert_same_statement_count,
    contact_gid,
    create_contact,
    create_session,
    gql,
)

MEMBERS = """
query($id: ID!, $filter: ContactFilterInput, $first: Int, $after: String) {
  group(id: $id) {
    contacts(filter: $filter, first: $first, after: $after, order: {field: NAME, direction: ASC}) {
      totalCount
      edges { node { name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
CONTACT_GROUPS = (
    "{ contacts(first: 50, order: {field: NAME, direction: ASC}) "
    "{ edges { node { name groups { name kind } } } } }"
)


async def test_a_group_pages_its_members_with_the_contact_filters(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    people = [
        await create_contact(session, name, flags=["VIP"] if name == "Dee" else [])
        for name in ("Ann", "Bob", "Cy", "Dee")
    ]
    outsider = await create_contact(session, "Abe")
    group = (await create_group(client, session, "Members"))["group"]
    added = await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(p) for p in people])
    assert added["addContactsToGroup"]["group"] == {"memberCount": 4}, added

    first = await ask(client, session, MEMBERS, id=group["id"], first=2)
    page = first["group"]["contacts"]
    assert [e["node"]["name"] for e in page["edges"]] == ["Ann", "Bob"]
    assert page["totalCount"] == 4
    rest = await ask(
        client, session, MEMBERS, id=group["id"], first=5, after=page["pageInfo"]["endCursor"]
    )
    assert [e["node"]["name"] for e in rest["group"]["contacts"]["edges"]] == ["Cy", "Dee"]

    flagged = await ask(client, session, MEMBERS, id=group["id"], filter={"flagsAny": ["vip"]})
    assert [e["node"]["name"] for e in flagged["group"]["contacts"]["edges"]] == ["Dee"]
    assert outsider.name not in str(first)


async def test_a_contact_lists_its_manual_and_smart_groups(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", flags=["VIP"])
    await create_contact(session, "Bob")
    manual = (await create_group(client, session, "Newsletter"))["group"]
    await ask(client, session, ADD_FEW, g=manual["id"], c=[contact_gid(ann)])
    await ready_group(client, session, run_worker, "VIPs", "flag = VIP")

    found = await ask(client, session, CONTACT_GROUPS)
    assert [e["node"] for e in found["contacts"]["edges"]] == [
        {
            "name": "Ann",
            "groups": [{"name": "Newsletter", "kind": "MANUAL"}, {"name": "VIPs", "kind": "SMART"}],
        },
        {"name": "Bob", "groups": []},
    ]


async def test_groups_of_a_page_of_contacts_cost_the_same_statements_for_one_or_many(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    session = await create_session()
    group = (await create_group(client, session, "All"))["group"]
    first = await create_contact(session, "C00")
    await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(first)])
    await gql(client, session, CONTACT_GROUPS)
    with count_queries() as one:
        await gql(client, session, CONTACT_GROUPS)
    more = [await create_contact(session, f"C{i:02}") for i in range(1, 12)]
    await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(c) for c in more])
    with count_queries() as many:
        body = await ask(client, session, CONTACT_GROUPS)
    assert len(body["contacts"]["edges"]) == 12
    assert_same_statement_count(one, many)
