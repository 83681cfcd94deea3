"""Which systems rely on a group (issue 4): registered usages, and deleting groups."""

from __future__ import annotations

import httpx

from tests.api.groups.documents import (
    ADD_FEW,
    DELETE,
    READ_GROUP,
    REGISTER,
    ask,
    create_group,
    people_with_ages,
    ready_group,
)
from tests.conftest import RunWorker
from tests.factories import (
    contact_gid,
    create_contact,
    create_session,
    global_id,
    workspace_snapshot,
)


async def test_delete_is_refused_while_other_systems_use_the_group(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    group = (await create_group(client, session, "Newsletter"))["group"]
    other = (await create_group(client, session, "Other"))["group"]
    await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(ann)])
    registered = await ask(
        client,
        session,
        REGISTER,
        consumer={"kind": "campaign", "ref": "c-7", "name": "Weekly"},
        groups=[group["id"], other["id"]],
    )
    assert registered["registerGroupUsages"] == {
        "__typename": "GroupUsagesRegistered",
        "consumer": {"kind": "campaign", "ref": "c-7", "name": "Weekly"},
        "groups": [{"name": "Newsletter"}, {"name": "Other"}],
    }
    await ask(
        client,
        session,
        REGISTER,
        consumer={"kind": "flow", "ref": "f-1", "name": "Welcome"},
        groups=[group["id"]],
    )
    usages = await ask(
        client,
        session,
        "query($id: ID!) { group(id: $id) { usages { kind ref name } } }",
        id=group["id"],
    )
    assert usages["group"]["usages"] == [
        {"kind": "campaign", "ref": "c-7", "name": "Weekly"},
        {"kind": "flow", "ref": "f-1", "name": "Welcome"},
    ]
    before = await workspace_snapshot(session.workspace)
    refused = await ask(client, session, DELETE, id=group["id"], ack=False)
    assert refused["deleteGroup"] == {
        "__typename": "GroupInUseError",
        "message": "Group Newsletter is used by campaign Weekly, flow Welcome. Pass "
        "acknowledgeUsages to delete it anyway.",
        "code": "INVALID_STATE",
        "field": "id",
        "usages": usages["group"]["usages"],
    }
    assert await workspace_snapshot(session.workspace) == before
    deleted = await ask(client, session, DELETE, id=group["id"], ack=True)
    assert deleted["deleteGroup"] == {"__typename": "GroupDeleted", "deletedId": group["id"]}
    assert (await ask(client, session, READ_GROUP, id=group["id"]))["group"] is None
    after = await workspace_snapshot(session.workspace)
    assert after["group_members"] == []
    assert [u[1:3] for u in after["usages"]] == [("campaign", "c-7")]


async def test_register_again_replaces_and_unregister_frees_the_group(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    first = (await create_group(client, session, "First"))["group"]
    second = (await create_group(client, session, "Second"))["group"]
    consumer = {"kind": "campaign", "ref": "c-1", "name": "Spring"}
    await ask(client, session, REGISTER, consumer=consumer, groups=[first["id"]])
    await ask(client, session, REGISTER, consumer=consumer, groups=[second["id"]])
    listing = await ask(client, session, "{ groups { name usages { ref } } }")
    assert listing["groups"] == [
        {"name": "First", "usages": []},
        {"name": "Second", "usages": [{"ref": "c-1"}]},
    ]
    removed = await ask(
        client,
        session,
        "mutation($c: ConsumerInput!) { unregisterGroupUsages(consumer: $c) "
        "{ ... on GroupUsagesUnregistered { removed } } }",
        c=consumer,
    )
    assert removed == {"unregisterGroupUsages": {"removed": 1}}
    deleted = await ask(client, session, DELETE, id=second["id"], ack=False)
    assert deleted["deleteGroup"]["__typename"] == "GroupDeleted"


async def test_register_refuses_unknown_groups_changing_nothing(client: httpx.AsyncClient) -> None:
    session = await create_session()
    group = (await create_group(client, session, "First"))["group"]
    before = await workspace_snapshot(session.workspace)
    missing = global_id("Group", "00000000-0000-4000-8000-000000000000")
    refused = await ask(
        client,
        session,
        REGISTER,
        consumer={"kind": "campaign", "ref": "c-1"},
        groups=[group["id"], missing],
    )
    assert refused["registerGroupUsages"] == {
        "__typename": "NotFoundError",
        "message": "No such group.",
        "code": "NOT_FOUND",
        "field": "groups",
    }
    assert await workspace_snapshot(session.workspace) == before


async def test_deleting_a_smart_group_frees_its_fields(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await people_with_ages(session, {"Ann": 50})
    group = await ready_group(client, session, run_worker, "Over", "age > 40")
    deleted = await ask(client, session, DELETE, id=group["id"], ack=False)
    assert deleted["deleteGroup"]["__typename"] == "GroupDeleted"
    assert (await workspace_snapshot(session.workspace))["usages"] == []
    field = await ask(client, session, 'mutation { deleteField(key: "age") { __typename } }')
    assert field["deleteField"]["__typename"] == "FieldDeleted"
