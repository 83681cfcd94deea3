"""Groups, queries, fields and audiences never cross workspaces: a foreign ID behaves exactly
like a missing one, and a foreign name is unknown."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from models.enums import FieldType
from services.contacts.records import ContactRecord
from services.groups import definitions as groups
from services.groups import members as group_members
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    contact_gid,
    create_contact,
    create_session,
    create_workspace,
    data_of,
    define_field,
    global_id,
    gql,
    group_counts,
    member_names,
    workspace_snapshot,
)

ERROR = "... on UserError { __typename message code field }"


@dataclass(frozen=True)
class TwoWorkspaces:
    mine: Session
    theirs: Session
    my_contact: ContactRecord
    their_contact: ContactRecord
    my_group: str
    their_group: str
    their_smart_group: str


def gid(group: Any) -> str:
    return global_id("Group", group.uuid)


@pytest.fixture
async def two(run_worker: RunWorker) -> TwoWorkspaces:
    mine = await create_session(await create_workspace("Mine"))
    theirs = await create_session(await create_workspace("Theirs"), name="Spy")
    my_contact = await create_contact(mine, "Theo Mine", flags=["Mine"])
    their_contact = await create_contact(theirs, "Theo Theirs", flags=["Secret"])
    await define_field(theirs, "Salary", FieldType.NUMBER)
    my_group = await groups.create_group(mine.caller, name="My List")
    their_group = await groups.create_group(theirs.caller, name="Secret List")
    await group_members.add_contacts(theirs.caller, their_group.uuid, [their_contact.uuid])
    their_smart = await groups.create_group(theirs.caller, name="Theos", query="name ~ theo")
    await run_worker()
    return TwoWorkspaces(
        mine,
        theirs,
        my_contact,
        their_contact,
        gid(my_group),
        gid(their_group),
        gid(their_smart),
    )


def missing_group() -> str:
    return global_id("Group", uuid.uuid4())


def missing_contact() -> str:
    return global_id("Contact", uuid.uuid4())


async def ask(
    client: httpx.AsyncClient, session: Session, query: str, **variables: Any
) -> dict[str, Any]:
    return data_of(await gql(client, session, query, variables))


# --- reading -----------------------------------------------------------------------------------


async def test_a_foreign_group_reads_as_null(client: httpx.AsyncClient, two: TwoWorkspaces) -> None:
    query = "query($id: ID!) { group(id: $id) { id } node(id: $id) { id } }"
    assert await ask(client, two.theirs, query, id=two.their_group) == {
        "group": {"id": two.their_group},
        "node": {"id": two.their_group},
    }
    foreign = await ask(client, two.mine, query, id=two.their_group)
    missing = await ask(client, two.mine, query, id=missing_group())
    assert foreign == missing == {"group": None, "node": None}


async def test_groups_lists_only_the_workspace_own_groups(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    assert await ask(client, two.mine, "{ groups { name } }") == {"groups": [{"name": "My List"}]}


async def test_filtering_contacts_by_a_foreign_group_finds_nothing(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    query = (
        "query($g: [ID!]) { contacts(filter: {groups: $g}) { totalCount edges { node { id } } } }"
    )
    foreign = await ask(client, two.mine, query, g=[two.their_group, two.their_smart_group])
    missing = await ask(client, two.mine, query, g=[missing_group()])
    assert foreign == missing == {"contacts": {"totalCount": 0, "edges": []}}


# --- changing ----------------------------------------------------------------------------------

GROUP_MUTATIONS: dict[str, str] = {
    "updateGroup": 'updateGroup(id: $g, input: {name: "Hacked"})',
    "deleteGroup": "deleteGroup(id: $g, acknowledgeUsages: true)",
    "addContactsToGroup": "addContactsToGroup(groupId: $g, contactIds: [$c])",
    "removeContactsFromGroup": "removeContactsFromGroup(groupId: $g, contactIds: [$c])",
    "addToGroup": "addToGroup(groupId: $g, selection: {filter: {}})",
    "removeFromGroup": "removeFromGroup(groupId: $g, selection: {filter: {}})",
    "registerGroupUsages": (
        'registerGroupUsages(consumer: {kind: "campaign", ref: "x"}, groups: [$g])'
    ),
}


@pytest.mark.parametrize("mutation", sorted(GROUP_MUTATIONS))
async def test_a_foreign_group_is_not_found_and_nothing_changes(
    client: httpx.AsyncClient, two: TwoWorkspaces, mutation: str
) -> None:
    call = GROUP_MUTATIONS[mutation]
    declared = "$g: ID!, $c: ID!" if "$c" in call else "$g: ID!"
    query = f"mutation({declared}) {{ {call} {{ {ERROR} }} }}"
    theirs_before = await workspace_snapshot(two.theirs.workspace)
    mine_before = await workspace_snapshot(two.mine.workspace)
    foreign = await ask(
        client, two.mine, query, g=two.their_group, c=contact_gid(two.their_contact)
    )
    missing = await ask(client, two.mine, query, g=missing_group(), c=missing_contact())
    assert foreign == missing
    assert foreign[mutation]["__typename"] == "NotFoundError"
    assert await workspace_snapshot(two.theirs.workspace) == theirs_before
    assert await workspace_snapshot(two.mine.workspace) == mine_before


async def test_a_foreign_contact_cannot_join_my_group(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    query = f"""mutation($g: ID!, $c: [ID!]!) {{ addContactsToGroup(groupId: $g, contactIds: $c)
        {{ __typename ... on GroupSaved {{ group {{ memberCount }} }} {ERROR} }} }}"""
    foreign = await ask(client, two.mine, query, g=two.my_group, c=[contact_gid(two.their_contact)])
    missing = await ask(client, two.mine, query, g=two.my_group, c=[missing_contact()])
    assert foreign == missing
    assert foreign["addContactsToGroup"] == {
        "__typename": "NotFoundError",
        "message": "No such contact.",
        "code": "NOT_FOUND",
        "field": "contactIds",
    }
    mixed = await ask(
        client,
        two.mine,
        query,
        g=two.my_group,
        c=[contact_gid(two.my_contact), contact_gid(two.their_contact)],
    )
    assert mixed["addContactsToGroup"]["__typename"] == "NotFoundError"
    assert await group_counts(two.mine.workspace) == {"My List": (0, 0)}


async def test_removing_a_foreign_contact_from_my_group_is_like_removing_a_missing_one(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    query = f"""mutation($g: ID!, $c: [ID!]!) {{
        removeContactsFromGroup(groupId: $g, contactIds: $c)
        {{ __typename ... on GroupSaved {{ group {{ memberCount }} }} {ERROR} }} }}"""
    theirs_before = await workspace_snapshot(two.theirs.workspace)
    foreign = await ask(client, two.mine, query, g=two.my_group, c=[contact_gid(two.their_contact)])
    missing = await ask(client, two.mine, query, g=two.my_group, c=[missing_contact()])
    assert foreign == missing
    assert await workspace_snapshot(two.theirs.workspace) == theirs_before


@pytest.mark.parametrize("mutation", ["addToGroup", "removeFromGroup"])
async def test_a_job_on_my_group_with_foreign_contact_ids_selects_nothing(
    client: httpx.AsyncClient, two: TwoWorkspaces, run_worker: RunWorker, mutation: str
) -> None:
    query = f"""mutation($g: ID!, $ids: [ID!]) {{ {mutation}(groupId: $g, selection: {{ids: $ids}})
        {{ __typename ... on JobStarted {{ job {{ progress {{ total }} }} }} {ERROR} }} }}"""
    theirs_before = await workspace_snapshot(two.theirs.workspace)
    foreign = await ask(
        client, two.mine, query, g=two.my_group, ids=[contact_gid(two.their_contact)]
    )
    missing = await ask(client, two.mine, query, g=two.my_group, ids=[missing_contact()])
    assert (
        foreign
        == missing
        == {mutation: {"__typename": "JobStarted", "job": {"progress": {"total": 0}}}}
    )
    await run_worker()
    assert await workspace_snapshot(two.theirs.workspace) == theirs_before
    assert await group_counts(two.mine.workspace) == {"My List": (0, 0)}


async def test_my_smart_group_never_takes_in_foreign_contacts(
    client: httpx.AsyncClient, two: TwoWorkspaces, run_worker: RunWorker
) -> None:
    mine = await groups.create_group(two.mine.caller, name="Theos", query="name ~ theo")
    await run_worker()
    assert await member_names(mine.uuid) == ["Theo Mine"]
    # A change in their workspace never touches my smart group.
    await create_contact(two.theirs, "Theodore")
    assert await group_counts(two.mine.workspace) == {"My List": (0, 0), "Theos": (1, 1)}
    assert await group_counts(two.theirs.workspace) == {"Secret List": (1, 1), "Theos": (2, 2)}


# --- names in queries, fields and audiences ----------------------------------------------------

PARSE = """query($t: String!) { parseContactQuery(text: $t) { __typename
    ... on QueryError { queryCode extra } } }"""


@pytest.mark.parametrize(
    ("text", "missing_text", "code"),
    [
        ('group = "Secret List"', 'group = "Nowhere"', "invalid_group"),
        ("flag = secret", "flag = nowhere", "invalid_flag"),
        ("salary > 5", "nowhere > 5", "unknown_property"),
    ],
)
async def test_foreign_group_flag_and_field_names_are_unknown_in_a_query(
    client: httpx.AsyncClient, two: TwoWorkspaces, text: str, missing_text: str, code: str
) -> None:
    assert (await ask(client, two.theirs, PARSE, t=text))["parseContactQuery"] == {
        "__typename": "ParsedContactQuery"
    }
    foreign = (await ask(client, two.mine, PARSE, t=text))["parseContactQuery"]
    missing = (await ask(client, two.mine, PARSE, t=missing_text))["parseContactQuery"]
    assert (foreign["__typename"], foreign["queryCode"]) == ("QueryError", code)
    assert (missing["__typename"], missing["queryCode"]) == ("QueryError", code)
    listed = await gql(
        client,
        two.mine,
        "query($q: String) { contacts(filter: {query: $q}) { totalCount } }",
        {"q": text},
    )
    assert listed["errors"][0]["extensions"]["queryError"]["code"] == code


async def test_foreign_fields_cannot_be_read_used_or_changed(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    theirs_before = await workspace_snapshot(two.theirs.workspace)
    assert await ask(client, two.mine, '{ field(key: "salary") { key } fields { key } }') == {
        "field": None,
        "fields": [],
    }
    registered = await ask(
        client,
        two.mine,
        'mutation { registerFieldUsages(consumer: {kind: "flow", ref: "f"}, keys: ["salary"]) '
        "{ __typename } }",
    )
    assert registered["registerFieldUsages"]["__typename"] == "NotFoundError"
    for mutation in (
        'updateField(key: "salary", input: {name: "Hacked"})',
        'changeFieldType(key: "salary", valueType: TEXT)',
        'deleteField(key: "salary", acknowledgeUsages: true)',
    ):
        body = await ask(client, two.mine, f"mutation {{ {mutation} {{ {ERROR} }} }}")
        assert next(iter(body.values()))["__typename"] == "NotFoundError", mutation
    created = await ask(
        client,
        two.mine,
        'mutation { createContact(input: {name: "X", fields: {salary: "5"}}) { __typename } }',
    )
    assert created["createContact"]["__typename"] == "ValidationError"
    assert await workspace_snapshot(two.theirs.workspace) == theirs_before


AUDIENCE = """query($input: AudienceInput!) { audience(input: $input) { __typename
    ... on Audience { count contacts { totalCount edges { node { name } } } }
    ... on QueryError { queryCode } } }"""


async def test_audiences_never_count_foreign_contacts(
    client: httpx.AsyncClient, two: TwoWorkspaces
) -> None:
    for input in ({}, {"query": "name ~ theo"}, {"statuses": ["ACTIVE", "ARCHIVED"]}):
        result = (await ask(client, two.mine, AUDIENCE, input=input))["audience"]
        assert result == {
            "__typename": "Audience",
            "count": 1,
            "contacts": {"totalCount": 1, "edges": [{"node": {"name": "Theo Mine"}}]},
        }, input
    for input, code in (
        ({"includeGroups": ["Secret List"]}, "invalid_group"),
        ({"excludeGroups": ["Secret List"]}, "invalid_group"),
        ({"flagsAny": ["Secret"]}, "invalid_flag"),
    ):
        result = (await ask(client, two.mine, AUDIENCE, input=input))["audience"]
        assert result == {"__typename": "QueryError", "queryCode": code}


SNAPSHOT = """mutation($input: AudienceInput!) { createAudienceSnapshot(input: $input) {
    ... on AudienceSnapshotStarted { snapshot { id } } } }"""
READ_SNAPSHOT = """query($id: ID!) { audienceSnapshot(id: $id) { count
    contacts { edges { node { name } } } } node(id: $id) { id } }"""


async def test_snapshots_hold_only_own_contacts_and_foreign_ones_read_as_null(
    client: httpx.AsyncClient, two: TwoWorkspaces, run_worker: RunWorker
) -> None:
    mine = (await ask(client, two.mine, SNAPSHOT, input={"query": "name ~ theo"}))[
        "createAudienceSnapshot"
    ]["snapshot"]["id"]
    theirs = (await ask(client, two.theirs, SNAPSHOT, input={}))["createAudienceSnapshot"][
        "snapshot"
    ]["id"]
    await run_worker()
    assert await ask(client, two.mine, READ_SNAPSHOT, id=mine) == {
        "audienceSnapshot": {"count": 1, "contacts": {"edges": [{"node": {"name": "Theo Mine"}}]}},
        "node": {"id": mine},
    }
    assert (await ask(client, two.theirs, READ_SNAPSHOT, id=theirs))["audienceSnapshot"][
        "count"
    ] == 1
    foreign = await ask(client, two.mine, READ_SNAPSHOT, id=theirs)
    missing = await ask(
        client, two.mine, READ_SNAPSHOT, id=global_id("AudienceSnapshot", uuid.uuid4())
    )
    assert foreign == missing == {"audienceSnapshot": None, "node": None}
