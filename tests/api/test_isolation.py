"""Workspaces never see each other: a foreign ID behaves exactly like a missing one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from models.enums import ContactStatus, Role
from services.contacts.records import ContactRecord
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    contact_gid,
    contact_statuses,
    create_contact,
    create_session,
    create_workspace,
    data_of,
    event_rows,
    global_id,
    gql,
    workspace_snapshot,
)


@dataclass(frozen=True)
class TwoWorkspaces:
    mine: Session
    theirs: Session
    my_contact: ContactRecord
    their_contact: ContactRecord
    their_archived: ContactRecord


@pytest.fixture
async def two() -> TwoWorkspaces:
    mine = await create_session(await create_workspace("Mine"))
    theirs = await create_session(await create_workspace("Theirs"), name="Spy")
    my_contact = await create_contact(mine, "Mia", urns=["tel:0788 111 111"], flags=["Mine"])
    their_contact = await create_contact(
        theirs,
        "Theo",
        urns=["tel:0788 222 222", "mailto:theo@theirs.example"],
        flags=["Secret"],
        company="Theirs Inc",
    )
    their_archived = await create_contact(theirs, "Tara", status=ContactStatus.ARCHIVED)
    return TwoWorkspaces(mine, theirs, my_contact, their_contact, their_archived)


def random_id(type_name: str) -> str:
    return global_id(type_name, uuid.uuid4())


async def ask(
    client: httpx.AsyncClient, session: Session, query: str, **variables: Any
) -> dict[str, Any]:
    return data_of(await gql(client, session, query, variables))


# --- single objects ----------------------------------------------------------------------------


async def test_contact_and_node_of_a_foreign_contact_are_null(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    query = "query($id: ID!) { contact(id: $id) { id } node(id: $id) { id } }"
    theirs = contact_gid(two.their_contact)
    assert await ask(client, two.theirs, query, id=theirs) == {
        "contact": {"id": theirs},
        "node": {"id": theirs},
    }
    foreign = await ask(client, two.mine, query, id=theirs)
    missing = await ask(client, two.mine, query, id=random_id("Contact"))
    assert foreign == missing == {"contact": None, "node": None}


async def test_node_of_a_foreign_flag_or_job_is_null(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    flags = await ask(client, two.theirs, "{ flags { id } }")
    their_job = await ask(
        client,
        two.theirs,
        "mutation($ids: [ID!]) { archiveContacts(selection: {ids: $ids}) "
        "{ ... on JobStarted { job { id } } } }",
        ids=[contact_gid(two.their_contact)],
    )
    query = "query($id: ID!) { node(id: $id) { id } }"
    for foreign, kind in (
        (flags["flags"][0]["id"], "Flag"),
        (their_job["archiveContacts"]["job"]["id"], "Job"),
    ):
        assert await ask(client, two.theirs, query, id=foreign) == {"node": {"id": foreign}}
        assert await ask(client, two.mine, query, id=foreign) == {"node": None}
        assert await ask(client, two.mine, query, id=random_id(kind)) == {"node": None}


UPDATE = """
mutation($id: ID!) {
  updateContact(
    input: {id: $id, name: "Hacked", urns: [], addFlags: ["x"], removeFlags: ["Secret"]}
  ) { __typename ... on UserError { message code field } }
}
"""
DELETE = """
mutation($id: ID!) { deleteContact(id: $id) { __typename ... on UserError { message code field } } }
"""


async def test_update_of_a_foreign_contact_is_not_found_and_changes_nothing(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    before = await workspace_snapshot(two.theirs.workspace)
    foreign = await ask(client, two.mine, UPDATE, id=contact_gid(two.their_contact))
    missing = await ask(client, two.mine, UPDATE, id=random_id("Contact"))
    assert foreign == missing
    assert foreign["updateContact"]["__typename"] == "NotFoundError"
    assert await workspace_snapshot(two.theirs.workspace) == before


async def test_delete_of_a_foreign_contact_is_not_found_and_deletes_nothing(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    before = await workspace_snapshot(two.theirs.workspace)
    foreign = await ask(client, two.mine, DELETE, id=contact_gid(two.their_archived))
    missing = await ask(client, two.mine, DELETE, id=random_id("Contact"))
    assert foreign == missing
    assert foreign["deleteContact"]["__typename"] == "NotFoundError"
    assert await workspace_snapshot(two.theirs.workspace) == before


def bulk(mutation: str) -> str:
    return (
        f"mutation($ids: [ID!]) {{ {mutation}(selection: {{ids: $ids}}) {{ __typename "
        "... on JobStarted { job { id status progress { done total } changedCount skippedCount }"
        " } } }"
    )


@pytest.mark.parametrize("mutation", ["archiveContacts", "restoreContacts", "deleteContacts"])
async def test_bulk_jobs_with_foreign_ids_select_nothing(
    client: httpx.AsyncClient, run_worker: RunWorker, two: TwoWorkspaces, mutation: str
) -> None:
    before = await contact_statuses(two.theirs.workspace)
    foreign_ids = [contact_gid(two.their_contact), contact_gid(two.their_archived)]
    foreign = (await ask(client, two.mine, bulk(mutation), ids=foreign_ids))[mutation]
    missing = (await ask(client, two.mine, bulk(mutation), ids=[random_id("Contact")]))[mutation]
    for started in (foreign, missing):
        assert started["__typename"] == "JobStarted"
        assert started["job"]["progress"] == {"done": 0, "total": 0}
    await run_worker()
    job = (
        await ask(
            client,
            two.mine,
            "query($id: ID!) { job(id: $id) { status progress { done total } changedCount } }",
            id=foreign["job"]["id"],
        )
    )["job"]
    assert job == {"status": "SUCCEEDED", "progress": {"done": 0, "total": 0}, "changedCount": 0}
    assert await contact_statuses(two.theirs.workspace) == before
    assert [e["kind"] for e in await event_rows(two.their_contact)] == ["created"]


async def test_bulk_job_by_filter_never_reaches_another_workspace(
    client: httpx.AsyncClient, run_worker: RunWorker, two: TwoWorkspaces
) -> None:
    before = await contact_statuses(two.theirs.workspace)
    started = await ask(
        client,
        two.mine,
        "mutation { archiveContacts(selection: {filter: {}}) "
        "{ ... on JobStarted { job { progress { total } } } } }",
    )
    assert started["archiveContacts"]["job"]["progress"]["total"] == 1
    await run_worker()
    assert await contact_statuses(two.theirs.workspace) == before
    assert await contact_statuses(two.mine.workspace) == {two.my_contact.id: "archived"}


async def test_delete_all_contacts_leaves_other_workspaces_alone(
    client: httpx.AsyncClient, run_worker: RunWorker, two: TwoWorkspaces
) -> None:
    before = await contact_statuses(two.theirs.workspace)
    started = await ask(
        client,
        two.mine,
        'mutation { deleteAllContacts(confirmation: "delete all contacts in Mine") '
        "{ __typename ... on JobStarted { job { progress { total } } } } }",
    )
    assert started["deleteAllContacts"]["job"]["progress"]["total"] == 1
    await run_worker()
    assert await contact_statuses(two.mine.workspace) == {}
    assert await contact_statuses(two.theirs.workspace) == before


JOB = "query($id: ID!) { job(id: $id) { id status } }"
CANCEL = """
mutation($id: ID!) { cancelJob(id: $id) { __typename ... on UserError { message code field } } }
"""


async def test_foreign_job_cannot_be_read_or_cancelled(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    their_job = (
        await ask(
            client,
            two.theirs,
            "mutation($ids: [ID!]) { archiveContacts(selection: {ids: $ids}) "
            "{ ... on JobStarted { job { id } } } }",
            ids=[contact_gid(two.their_contact)],
        )
    )["archiveContacts"]["job"]["id"]
    assert await ask(client, two.mine, JOB, id=their_job) == {"job": None}
    assert await ask(client, two.mine, JOB, id=random_id("Job")) == {"job": None}
    foreign = await ask(client, two.mine, CANCEL, id=their_job)
    missing = await ask(client, two.mine, CANCEL, id=random_id("Job"))
    assert foreign == missing
    assert foreign["cancelJob"]["__typename"] == "NotFoundError"
    assert (await ask(client, two.theirs, JOB, id=their_job))["job"]["status"] == "QUEUED"
    jobs = await ask(client, two.mine, "{ jobs { edges { node { id } } } }")
    assert jobs == {"jobs": {"edges": []}}


DELETE_FLAG = """
mutation($id: ID!) { deleteFlag(id: $id) { __typename ... on UserError { message code field } } }
"""


async def test_foreign_flag_cannot_be_deleted_or_listed(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    their_flag = (await ask(client, two.theirs, "{ flags { id } }"))["flags"][0]["id"]
    foreign = await ask(client, two.mine, DELETE_FLAG, id=their_flag)
    missing = await ask(client, two.mine, DELETE_FLAG, id=random_id("Flag"))
    assert foreign == missing
    assert foreign["deleteFlag"]["__typename"] == "NotFoundError"
    assert await ask(client, two.theirs, "{ flags { name } }") == {"flags": [{"name": "Secret"}]}
    assert await ask(client, two.mine, "{ flags { name } }") == {"flags": [{"name": "Mine"}]}


async def test_flag_names_of_another_workspace_are_never_reused(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    result = await ask(
        client,
        two.mine,
        'mutation($id: ID!) { updateContact(input: {id: $id, addFlags: ["secret"]}) '
        "{ ... on ContactUpdated { contact { flags { id name } } } } }",
        id=contact_gid(two.my_contact),
    )
    flags = result["updateContact"]["contact"]["flags"]
    their_flags = (await ask(client, two.theirs, "{ flags { id } }"))["flags"]
    assert [f["name"] for f in flags] == ["Mine", "secret"]
    assert not {f["id"] for f in flags} & {f["id"] for f in their_flags}


LIST = """
query($filter: ContactFilterInput) {
  contacts(filter: $filter, first: 100) { totalCount edges { node { name } } }
}
"""


@pytest.mark.parametrize(
    "flt",
    [
        {},
        {"search": "theo"},
        {"search": "0788 222"},
        {"search": "0788222"},
        {"search": "theirs"},
        {"flagsAny": ["Secret"]},
        {"flagsAll": ["Secret"]},
        {"status": ["ARCHIVED"]},
    ],
)
async def test_contact_lists_never_show_foreign_contacts(
    client: httpx.AsyncClient, two: TwoWorkspaces, flt: dict[str, Any]
) -> None:
    await create_contact(two.mine, "Other", company="Not theirs")
    conn = (await ask(client, two.mine, LIST, filter=flt))["contacts"]
    names = {e["node"]["name"] for e in conn["edges"]}
    assert not names & {"Theo", "Tara"}
    assert conn["totalCount"] == len(names)


async def test_a_flag_that_exists_only_elsewhere_matches_nothing(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    conn = (await ask(client, two.mine, LIST, filter={"flagsAny": ["Secret"]}))["contacts"]
    assert conn == {"totalCount": 0, "edges": []}


async def test_an_address_used_elsewhere_does_not_leak_its_owner(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    result = await ask(
        client,
        two.mine,
        'mutation { createContact(input: {name: "Copy", urns: ["tel:0788 222 222"]}) '
        "{ __typename } }",
    )
    assert result == {"createContact": {"__typename": "ContactCreated"}}


async def test_history_shows_only_the_workspace_own_events(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    history = """
    query($id: ID!) { contact(id: $id) { history { edges { node { kind data memberName } } } } }
    """
    mine = (await ask(client, two.mine, history, id=contact_gid(two.my_contact)))["contact"]
    nodes = [e["node"] for e in mine["history"]["edges"]]
    assert [(n["kind"], n["data"]["name"], n["memberName"]) for n in nodes] == [
        ("CREATED", "Mia", "Ann")
    ]
    foreign = await ask(client, two.mine, history, id=contact_gid(two.their_contact))
    assert foreign == {"contact": None}


SET_PERMISSIONS = """
mutation($id: ID!) { setMemberPermissions(memberId: $id, disabled: [DELETE_CONTACTS]) {
  __typename ... on UserError { message code field } } }
"""


async def test_members_of_another_workspace_are_out_of_reach(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    their_editor = await create_session(two.theirs.workspace, role=Role.EDITOR, name="Ed")
    before = await workspace_snapshot(two.theirs.workspace)
    foreign = await ask(client, two.mine, SET_PERMISSIONS, id=str(their_editor.caller.member.uuid))
    missing = await ask(client, two.mine, SET_PERMISSIONS, id=str(uuid.uuid4()))
    assert foreign == missing
    assert foreign["setMemberPermissions"]["__typename"] == "NotFoundError"
    assert await workspace_snapshot(two.theirs.workspace) == before
    members = await ask(client, two.mine, "{ members { name } }")
    assert members == {"members": [{"name": "Ann"}]}
