"""Every argument that names an object takes its global ID or the bare UUID inside it (what
the command line and error messages print), in either letter case; a UUID of another type or
workspace names nothing."""

from __future__ import annotations

import httpx
from strawberry.relay import GlobalID

from tests.factories import (
    contact_gid,
    create_contact,
    create_session,
    data_of,
    global_id,
    gql,
)

READ = "query($id: ID!) { contact(id: $id) { id name } node(id: $id) { id } }"


async def test_a_contact_reads_by_its_uuid_as_by_its_global_id(client: httpx.AsyncClient) -> None:
    session = await create_session()
    contact = await create_contact(session, "Uma")
    expected = {"id": contact_gid(contact), "name": "Uma"}
    for id in (contact_gid(contact), str(contact.uuid), str(contact.uuid).upper()):
        found = data_of(await gql(client, session, READ, {"id": id}))
        assert found == {"contact": expected, "node": {"id": contact_gid(contact)}}


async def test_node_finds_any_type_by_its_uuid(client: httpx.AsyncClient) -> None:
    session = await create_session()
    created = data_of(
        await gql(
            client,
            session,
            'mutation { createGroup(input: {name: "Readers"}) '
            "{ ... on GroupSaved { group { id } } } }",
        )
    )
    group_id = created["createGroup"]["group"]["id"]
    uuid = GlobalID.from_id(group_id).node_id
    query = "query($id: ID!) { node(id: $id) { __typename id } group(id: $id) { id } }"
    found = data_of(await gql(client, session, query, {"id": uuid}))
    assert found == {"node": {"__typename": "Group", "id": group_id}, "group": {"id": group_id}}


async def test_a_uuid_of_another_type_or_workspace_names_nothing(
    client: httpx.AsyncClient,
) -> None:
    mine, theirs = await create_session(), await create_session()
    their_contact = await create_contact(theirs, "Theo")
    my_contact = await create_contact(mine, "Mia")
    query = "query($id: ID!) { contact(id: $id) { id } node(id: $id) { id } group(id: $id) { id } }"
    for id in (str(their_contact.uuid), "not-an-id", global_id("Group", my_contact.uuid)):
        found = data_of(await gql(client, mine, query, {"id": id}))
        assert found == {"contact": None, "node": None, "group": None}
    as_group = data_of(await gql(client, mine, query, {"id": str(my_contact.uuid)}))
    assert as_group["group"] is None


async def test_a_mutation_takes_a_uuid_and_answers_the_global_id(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    created = data_of(
        await gql(
            client,
            session,
            'mutation { createFlag(name: "Gone") { ... on FlagCreated { flag { id } } } }',
        )
    )
    flag_gid = created["createFlag"]["flag"]["id"]
    uuid = GlobalID.from_id(flag_gid).node_id
    deleted = data_of(
        await gql(
            client,
            session,
            "mutation($id: ID!) { deleteFlag(id: $id) { ... on FlagDeleted { deletedId } } }",
            {"id": uuid},
        )
    )
    assert deleted == {"deleteFlag": {"deletedId": flag_gid}}
