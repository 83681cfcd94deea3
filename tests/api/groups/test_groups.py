"""Groups through GraphQL (issue 4): manual lists, smart groups kept correct by the service,
membership changes by ID and as jobs, and "which systems rely on this group"."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.sql import sql
from models.enums import ContactStatus, FieldType
from services.contacts.records import ContactRecord
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    assert_group_counts_exact,
    assert_same_statement_count,
    contact_gid,
    create_contact,
    create_session,
    data_of,
    define_field,
    fill_groups,
    global_id,
    gql,
    group_counts,
    member_names,
    set_anonymous,
    workspace_snapshot,
)

GROUP = "id name kind query status memberCount"
ERROR = "... on UserError { message code field }"

CREATE = f"""
mutation($input: GroupInput!) {{
  createGroup(input: $input) {{
    __typename
    ... on GroupSaved {{ group {{ {GROUP} }} }}
    ... on QueryError {{ queryCode extra }}
    {ERROR}
  }}
}}
"""
UPDATE = f"""
mutation($id: ID!, $input: GroupInput!) {{
  updateGroup(id: $id, input: $input) {{
    __typename
    ... on GroupSaved {{ group {{ {GROUP} }} }}
    ... on QueryError {{ queryCode extra }}
    {ERROR}
  }}
}}
"""
DELETE = f"""
mutation($id: ID!, $ack: Boolean!) {{
  deleteGroup(id: $id, acknowledgeUsages: $ack) {{
    __typename
    ... on GroupDeleted {{ deletedId }}
    ... on GroupInUseError {{ usages {{ kind ref name }} }}
    {ERROR}
  }}
}}
"""
ADD_FEW = f"""
mutation($g: ID!, $c: [ID!]!) {{
  addContactsToGroup(groupId: $g, contactIds: $c) {{
    __typename ... on GroupSaved {{ group {{ memberCount }} }} {ERROR}
  }}
}}
"""
REMOVE_FEW = f"""
mutation($g: ID!, $c: [ID!]!) {{
  removeContactsFromGroup(groupId: $g, contactIds: $c) {{
    __typename ... on GroupSaved {{ group {{ memberCount }} }} {ERROR}
  }}
}}
"""
JOB = "job { id kind status progress { done total } changedCount skippedCount }"


def group_job(mutation: str) -> str:
    return f"""
    mutation($g: ID!, $ids: [ID!], $filter: ContactFilterInput) {{
      {mutation}(groupId: $g, selection: {{ids: $ids, filter: $filter}}) {{
        __typename ... on JobStarted {{ {JOB} }} {ERROR}
      }}
    }}
    """


def flag_job(mutation: str) -> str:
    return f"""
    mutation($flags: [String!]!, $ids: [ID!]) {{
      {mutation}(flags: $flags, selection: {{ids: $ids}}) {{
        __typename ... on JobStarted {{ {JOB} }} {ERROR}
      }}
    }}
    """


def status_job(mutation: str) -> str:
    return f"""
    mutation($ids: [ID!]) {{
      {mutation}(selection: {{ids: $ids}}) {{ __typename ... on JobStarted {{ {JOB} }} }}
    }}
    """


READ_GROUP = f"query($id: ID!) {{ group(id: $id) {{ {GROUP} }} }}"
REGISTER = f"""
mutation($consumer: ConsumerInput!, $groups: [ID!]!) {{
  registerGroupUsages(consumer: $consumer, groups: $groups) {{
    __typename
    ... on GroupUsagesRegistered {{ consumer {{ kind ref name }} groups {{ name }} }}
    {ERROR}
  }}
}}
"""


async def ask(
    client: httpx.AsyncClient, session: Session, query: str, **variables: Any
) -> dict[str, Any]:
    return data_of(await gql(client, session, query, variables))


async def create_group(
    client: httpx.AsyncClient, session: Session, name: str, query: str | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = (
        await ask(client, session, CREATE, input={"name": name, "query": query})
    )["createGroup"]
    return result


async def ready_group(
    client: httpx.AsyncClient, session: Session, run_worker: RunWorker, name: str, query: str
) -> dict[str, Any]:
    created = await create_group(client, session, name, query)
    assert created["__typename"] == "GroupSaved", created
    await run_worker()
    return await read_group(client, session, created["group"]["id"])


async def read_group(client: httpx.AsyncClient, session: Session, group_id: str) -> dict[str, Any]:
    group: dict[str, Any] = (await ask(client, session, READ_GROUP, id=group_id))["group"]
    return group


def uuid_of(group: dict[str, Any]) -> str:
    from strawberry.relay import GlobalID

    return GlobalID.from_id(group["id"]).node_id


async def members(group: dict[str, Any]) -> list[str | None]:
    return await member_names(uuid_of(group))


async def update_contact(
    client: httpx.AsyncClient, session: Session, contact: ContactRecord, **input: Any
) -> None:
    body = await ask(
        client,
        session,
        "mutation($input: UpdateContactInput!) { updateContact(input: $input) "
        f"{{ __typename {ERROR} }} }}",
        input={"id": contact_gid(contact), **input},
    )
    assert body["updateContact"]["__typename"] == "ContactUpdated", body


async def people_with_ages(session: Session, ages: dict[str, int | None]) -> dict[str, Any]:
    await define_field(session, "Age", FieldType.NUMBER)
    return {
        name: await create_contact(session, name, fields={"age": str(age)} if age else {})
        for name, age in ages.items()
    }


# --- creating groups ---------------------------------------------------------------------------


async def test_a_manual_group_is_ready_and_empty(client: httpx.AsyncClient) -> None:
    session = await create_session()
    created = await create_group(client, session, "  Board   Members ")
    group = created["group"]
    assert created["__typename"] == "GroupSaved"
    assert {k: v for k, v in group.items() if k != "id"} == {
        "name": "Board Members",
        "kind": "MANUAL",
        "query": None,
        "status": "READY",
        "memberCount": 0,
    }
    assert await read_group(client, session, group["id"]) == group
    assert (await ask(client, session, "query($id: ID!) { node(id: $id) { id } }", id=group["id"]))[
        "node"
    ] == {"id": group["id"]}


async def test_a_smart_group_is_evaluated_by_a_job(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await people_with_ages(session, {"Ann": 30, "Bob": 50, "Cy": 70, "Di": None, "Ed": 41})
    await create_contact(session, "Old", fields={"age": "80"}, status=ContactStatus.ARCHIVED)
    created = await create_group(client, session, "Over 40", 'Age > "40"')
    group = created["group"]
    assert {k: v for k, v in group.items() if k != "id"} == {
        "name": "Over 40",
        "kind": "SMART",
        "query": "fields.age > 40",
        "status": "INITIALIZING",
        "memberCount": 0,
    }
    jobs = await ask(
        client, session, "{ jobs { edges { node { kind status progress { total } } } } }"
    )
    assert jobs["jobs"]["edges"] == [
        {"node": {"kind": "EVALUATE_GROUP", "status": "QUEUED", "progress": {"total": 6}}}
    ]
    await run_worker()
    evaluated = await read_group(client, session, group["id"])
    assert (evaluated["status"], evaluated["memberCount"]) == ("READY", 3)
    assert await members(group) == ["Bob", "Cy", "Ed"]
    await assert_group_counts_exact(session.workspace)
    listed = await ask(
        client,
        session,
        "query($g: [ID!]) { contacts(filter: {groups: $g}, order: {field: NAME, direction: ASC}) "
        "{ totalCount edges { node { name } } } }",
        g=[group["id"]],
    )
    assert listed["contacts"]["totalCount"] == 3
    assert [e["node"]["name"] for e in listed["contacts"]["edges"]] == ["Bob", "Cy", "Ed"]


async def test_groups_list_by_name_and_filter_by_kind(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await create_group(client, session, "zeta")
    await create_group(client, session, "Alpha", "name ~ al")
    await create_group(client, session, "beta")
    everything = await ask(client, session, "{ groups { name kind } }")
    assert everything["groups"] == [
        {"name": "Alpha", "kind": "SMART"},
        {"name": "beta", "kind": "MANUAL"},
        {"name": "zeta", "kind": "MANUAL"},
    ]
    smart = await ask(client, session, "{ groups(kind: SMART) { name } }")
    assert smart["groups"] == [{"name": "Alpha"}]
    manual = await ask(client, session, "{ groups(kind: MANUAL) { name } }")
    assert manual["groups"] == [{"name": "beta"}, {"name": "zeta"}]


async def test_group_names_are_unique_ignoring_case(client: httpx.AsyncClient) -> None:
    session = await create_session()
    first = await create_group(client, session, "VIP")
    before = await workspace_snapshot(session.workspace)
    for name, query in (("vip", None), (" Vip ", "name ~ bob")):
        assert await create_group(client, session, name, query) == {
            "__typename": "DuplicateNameError",
            "message": f'A group named "{name.strip()}" already exists.',
            "code": "DUPLICATE_NAME",
            "field": "name",
        }
    assert await workspace_snapshot(session.workspace) == before
    other = await create_group(client, session, "Other")
    renamed = await ask(client, session, UPDATE, id=other["group"]["id"], input={"name": "VIp"})
    assert renamed["updateGroup"]["__typename"] == "DuplicateNameError"
    # Renaming a group to its own name in another case is fine.
    same = await ask(client, session, UPDATE, id=first["group"]["id"], input={"name": "Vip"})
    assert same["updateGroup"]["group"]["name"] == "Vip"


async def test_group_names_take_at_most_64_characters(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ok = await create_group(client, session, "G" * 64)
    assert ok["group"]["name"] == "G" * 64
    too_long = await create_group(client, session, "H" * 65)
    assert too_long == {
        "__typename": "ValidationError",
        "message": f'"{"H" * 20}..." is 65 characters long; group names take at most 64.',
        "code": "INVALID",
        "field": "name",
    }
    empty = await create_group(client, session, "   ")
    assert empty == {
        "__typename": "ValidationError",
        "message": "A group needs a name.",
        "code": "INVALID",
        "field": "name",
    }
    rename = await ask(client, session, UPDATE, id=ok["group"]["id"], input={"name": "H" * 65})
    assert rename["updateGroup"]["__typename"] == "ValidationError"


async def test_the_251st_group_is_refused(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await fill_groups(session.workspace, 249)
    last = await create_group(client, session, "The 250th")
    assert last["__typename"] == "GroupSaved"
    before = await workspace_snapshot(session.workspace)
    for query in (None, "name ~ bob"):
        assert await create_group(client, session, "One Too Many", query) == {
            "__typename": "LimitReachedError",
            "message": "A workspace can have at most 250 groups; delete one first.",
            "code": "LIMIT_REACHED",
            "field": "name",
        }
    assert await workspace_snapshot(session.workspace) == before


@pytest.mark.parametrize(
    "query",
    [
        "status = active",
        'group = "Team"',
        'group = ""',
        "uuid = 0b7ac5d6-8bd1-4a0e-9b11-3a4b8b8c1f0e",
        "id = 5",
        "name ~ bob OR status = blocked",
    ],
)
async def test_smart_group_queries_may_not_use_uuid_id_status_or_group(
    client: httpx.AsyncClient, query: str
) -> None:
    session = await create_session()
    await create_group(client, session, "Team")
    before = await workspace_snapshot(session.workspace)
    assert await create_group(client, session, "Smart", query) == {
        "__typename": "ValidationError",
        "message": "A smart group's query cannot use uuid, id, status or group.",
        "code": "INVALID",
        "field": "query",
    }
    assert await workspace_snapshot(session.workspace) == before


@pytest.mark.parametrize(
    ("query", "code", "extra"),
    [
        ("age ~ 5", "unsupported_contains", {"property": "age"}),
        ("nope = 1", "unknown_property", {"property": "nope"}),
        ("age > old", "invalid_number", {"property": "age", "value": "old"}),
        ('flag = "Gone"', "invalid_flag", {"property": "flag", "value": "Gone"}),
        ("name = (", "syntax", {"position": "7", "token": "("}),
    ],
)
async def test_an_invalid_smart_group_query_is_a_query_error(
    client: httpx.AsyncClient, query: str, code: str, extra: dict[str, str]
) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    before = await workspace_snapshot(session.workspace)
    result = await create_group(client, session, "Smart", query)
    assert (result["__typename"], result["code"], result["field"]) == (
        "QueryError",
        "INVALID",
        "query",
    )
    assert (result["queryCode"], result["extra"]) == (code, extra)
    assert result["message"].startswith("The query cannot define a group: ")
    assert await workspace_snapshot(session.workspace) == before


# --- changing a smart group's query ------------------------------------------------------------


async def test_changing_the_query_re_evaluates_and_is_refused_meanwhile(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await people_with_ages(session, {"Ann": 30, "Bob": 50, "Cy": 70})
    group = await ready_group(client, session, run_worker, "Over", "age > 40")
    assert await members(group) == ["Bob", "Cy"]
    changed = await ask(client, session, UPDATE, id=group["id"], input={"query": "AGE<=50"})
    assert changed["updateGroup"]["group"]["status"] == "EVALUATING"
    assert changed["updateGroup"]["group"]["query"] == "fields.age <= 50"
    refused = await ask(client, session, UPDATE, id=group["id"], input={"query": "age > 1"})
    assert refused["updateGroup"] == {
        "__typename": "InvalidStateError",
        "message": "The group is still being evaluated; change its query when it is ready.",
        "code": "INVALID_STATE",
        "field": "query",
    }
    await run_worker()
    evaluated = await read_group(client, session, group["id"])
    assert (evaluated["status"], evaluated["query"], evaluated["memberCount"]) == (
        "READY",
        "fields.age <= 50",
        2,
    )
    assert await members(group) == ["Ann", "Bob"]
    await assert_group_counts_exact(session.workspace)


async def test_the_query_cannot_change_while_the_group_initializes(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    created = await create_group(client, session, "Named", "name ~ ann")
    refused = await ask(client, session, UPDATE, id=created["group"]["id"], input={"query": "x"})
    assert refused["updateGroup"]["__typename"] == "InvalidStateError"
    # Renaming is fine meanwhile.
    renamed = await ask(client, session, UPDATE, id=created["group"]["id"], input={"name": "Anns"})
    assert renamed["updateGroup"]["group"]["status"] == "INITIALIZING"
    await run_worker()


async def test_the_same_query_in_other_words_does_not_re_evaluate(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await people_with_ages(session, {"Ann": 30, "Bob": 50})
    group = await ready_group(client, session, run_worker, "Over", "age > 40")
    same = await ask(client, session, UPDATE, id=group["id"], input={"query": ' AGE > "40" '})
    assert same["updateGroup"]["group"] == group
    kinds = await sql().fetchval(
        "SELECT count(*) FROM job WHERE workspace_id = $1 AND kind = 'evaluate_group'",
        session.workspace.id,
    )
    assert kinds == 1


async def test_a_manual_group_gets_no_query_and_bad_queries_change_nothing(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    manual = (await create_group(client, session, "List"))["group"]
    refused = await ask(client, session, UPDATE, id=manual["id"], input={"query": "name ~ bob"})
    assert refused["updateGroup"] == {
        "__typename": "InvalidStateError",
        "message": "A manual group has no query; create a smart group.",
        "code": "INVALID_STATE",
        "field": "query",
    }
    smart = await ready_group(client, session, run_worker, "Bobs", "name ~ bob")
    before = await workspace_snapshot(session.workspace)
    bad = await ask(client, session, UPDATE, id=smart["id"], input={"query": "nope = 1"})
    assert (bad["updateGroup"]["__typename"], bad["updateGroup"]["queryCode"]) == (
        "QueryError",
        "unknown_property",
    )
    status = await ask(client, session, UPDATE, id=smart["id"], input={"query": "status = active"})
    assert status["updateGroup"]["__typename"] == "ValidationError"
    assert await workspace_snapshot(session.workspace) == before


async def test_renaming_and_requerying_at_once_keeps_the_new_name_in_field_usages(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    group = await ready_group(client, session, run_worker, "Old Name", "age > 40")
    changed = await ask(
        client, session, UPDATE, id=group["id"], input={"name": "New Name", "query": "age > 50"}
    )
    assert changed["updateGroup"]["group"]["name"] == "New Name"
    usages = await ask(
        client, session, '{ field(key: "age") { usages { smartGroups { ref name } } } }'
    )
    assert usages["field"]["usages"]["smartGroups"] == [{"ref": uuid_of(group), "name": "New Name"}]
    await run_worker()


async def test_update_or_delete_of_an_unknown_group_is_not_found(client: httpx.AsyncClient) -> None:
    session = await create_session()
    missing = global_id("Group", "00000000-0000-4000-8000-000000000000")
    not_a_group = contact_gid(await create_contact(session, "Ann"))
    for group_id in (missing, not_a_group, global_id("Group", "not-a-uuid")):
        updated = await ask(client, session, UPDATE, id=group_id, input={"name": "X"})
        assert updated["updateGroup"] == {
            "__typename": "NotFoundError",
            "message": "No such group.",
            "code": "NOT_FOUND",
            "field": "id",
        }
        deleted = await ask(client, session, DELETE, id=group_id, ack=True)
        assert deleted["deleteGroup"]["__typename"] == "NotFoundError"
        assert (await ask(client, session, READ_GROUP, id=group_id))["group"] is None


# --- keeping smart groups correct --------------------------------------------------------------


async def test_an_age_change_moves_a_contact_between_smart_groups(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = await people_with_ages(session, {"Ann": 30, "Bob": 45})
    over = await ready_group(client, session, run_worker, "Over 40", "age > 40")
    under = await ready_group(client, session, run_worker, "Under 40", "age < 40")
    await update_contact(client, session, people["Ann"], fields={"age": "50"})
    assert (await members(over), await members(under)) == (["Ann", "Bob"], [])
    await update_contact(client, session, people["Bob"], fields={"age": 12})
    assert (await members(over), await members(under)) == (["Ann"], ["Bob"])
    await update_contact(client, session, people["Bob"], fields={"age": None})
    assert (await members(over), await members(under)) == (["Ann"], [])
    assert await group_counts(session.workspace) == {"Over 40": (1, 1), "Under 40": (0, 0)}
    assert (await read_group(client, session, over["id"]))["memberCount"] == 1


async def test_name_address_language_and_flag_changes_keep_smart_groups_correct(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", flags=["Gold"])
    bob = await create_contact(session, "Bob")
    named = await ready_group(client, session, run_worker, "Named Ann", "name ~ ann")
    phones = await ready_group(client, session, run_worker, "Phones", 'tel != ""')
    french = await ready_group(client, session, run_worker, "French", "language = fra")
    gold = await ready_group(client, session, run_worker, "Gold", "flag = gold")
    assert [await members(g) for g in (named, phones, french, gold)] == [["Ann"], [], [], ["Ann"]]
    await update_contact(
        client,
        session,
        bob,
        name="Annabel",
        urns=["tel:0788 383 383"],
        language="fra",
        addFlags=["GOLD"],
    )
    assert [await members(g) for g in (named, phones, french, gold)] == [
        ["Ann", "Annabel"],
        ["Annabel"],
        ["Annabel"],
        ["Ann", "Annabel"],
    ]
    await update_contact(
        client, session, bob, name="Bob", urns=[], language=None, removeFlags=["gold"]
    )
    assert [await members(g) for g in (named, phones, french, gold)] == [["Ann"], [], [], ["Ann"]]
    await update_contact(client, session, ann, removeFlags=["Gold"])
    assert await members(gold) == []
    await assert_group_counts_exact(session.workspace)


async def test_flag_jobs_keep_smart_groups_correct(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = [await create_contact(session, n) for n in ("Ann", "Bob", "Cy")]
    await create_contact(session, "Di", flags=["VIP"])
    vip = await ready_group(client, session, run_worker, "VIPs", "flag = vip")
    assert await members(vip) == ["Di"]
    ids = [contact_gid(p) for p in people[:2]]
    added = await ask(client, session, flag_job("addFlags"), flags=["Vip"], ids=ids)
    assert added["addFlags"]["__typename"] == "JobStarted"
    await run_worker()
    assert await members(vip) == ["Ann", "Bob", "Di"]
    assert (await read_group(client, session, vip["id"]))["memberCount"] == 3
    removed = await ask(
        client,
        session,
        flag_job("removeFlags"),
        flags=["VIP"],
        ids=[contact_gid(people[0]), contact_gid(people[2])],
    )
    await run_worker()
    job = await ask(
        client,
        session,
        "query($id: ID!) { job(id: $id) { status changedCount skippedCount } }",
        id=removed["removeFlags"]["job"]["id"],
    )
    assert job["job"] == {"status": "SUCCEEDED", "changedCount": 1, "skippedCount": 1}
    assert await members(vip) == ["Bob", "Di"]
    await assert_group_counts_exact(session.workspace)
    events = await sql().fetch(
        "SELECT c.name, e.kind, e.data::text AS data, e.actor_kind FROM contact_event e "
        "JOIN contact c ON c.id = e.contact_id WHERE e.contact_id = ANY($1::bigint[]) "
        "AND e.kind LIKE 'flag_%' ORDER BY e.id",
        [p.id for p in people],
    )
    assert sorted((e["kind"], e["name"], e["data"], e["actor_kind"]) for e in events) == [
        ("flag_added", "Ann", '{"flag": "VIP"}', "job"),
        ("flag_added", "Bob", '{"flag": "VIP"}', "job"),
        ("flag_removed", "Ann", '{"flag": "VIP"}', "job"),
    ]


async def test_archived_contacts_leave_smart_groups_and_restoring_brings_them_back(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    people = await people_with_ages(session, {"Ann": 50, "Bob": 60, "Cy": 20})
    over = await ready_group(client, session, run_worker, "Over 40", "age > 40")
    manual = (await create_group(client, session, "List"))["group"]
    await ask(client, session, ADD_FEW, g=manual["id"], c=[contact_gid(p) for p in people.values()])
    ids = [contact_gid(people["Ann"]), contact_gid(people["Cy"])]
    await ask(client, session, status_job("archiveContacts"), ids=ids)
    await run_worker()
    assert (await members(over), await members(manual)) == (["Bob"], ["Bob"])
    # While archived, a field change does not bring the contact back.
    await update_contact(client, session, people["Ann"], fields={"age": "70"})
    assert await members(over) == ["Bob"]
    await ask(client, session, status_job("restoreContacts"), ids=ids)
    await run_worker()
    assert (await members(over), await members(manual)) == (["Ann", "Bob"], ["Bob"])
    assert await group_counts(session.workspace) == {"Over 40": (2, 2), "List": (1, 1)}


@pytest.mark.parametrize("status", ["BLOCKED", "STOPPED", "ARCHIVED"])
async def test_a_contact_leaving_active_leaves_every_group_and_rejoins_smart_ones(
    client: httpx.AsyncClient, run_worker: RunWorker, status: str
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    named = await ready_group(client, session, run_worker, "Anns", "name ~ ann")
    manual = (await create_group(client, session, "List"))["group"]
    await ask(client, session, ADD_FEW, g=manual["id"], c=[contact_gid(ann)])
    await update_contact(client, session, ann, status=status)
    assert await group_counts(session.workspace) == {"Anns": (0, 0), "List": (0, 0)}
    await update_contact(client, session, ann, status="ACTIVE")
    assert (await members(named), await members(manual)) == (["Ann"], [])
    await assert_group_counts_exact(session.workspace)


async def test_a_new_matching_contact_joins_at_once(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    group = await ready_group(client, session, run_worker, "Anns", "name ~ ann")
    body = await ask(
        client,
        session,
        'mutation { createContact(input: {name: "Ann Lee"}) { __typename } }',
    )
    assert body["createContact"]["__typename"] == "ContactCreated"
    await create_contact(session, "Anna Old", status=ContactStatus.ARCHIVED)
    assert await members(group) == ["Ann Lee"]
    assert (await read_group(client, session, group["id"]))["memberCount"] == 1


# --- manual membership -------------------------------------------------------------------------


async def test_add_and_remove_a_few_contacts_by_id(client: httpx.AsyncClient) -> None:
    session = await create_session()
    people = [await create_contact(session, n) for n in ("Ann", "Bob", "Cy")]
    group = (await create_group(client, session, "List"))["group"]
    ids = [contact_gid(p) for p in people]
    added = await ask(client, session, ADD_FEW, g=group["id"], c=ids[:2])
    assert added["addContactsToGroup"] == {
        "__typename": "GroupSaved",
        "group": {"memberCount": 2},
    }
    again = await ask(client, session, ADD_FEW, g=group["id"], c=ids)
    assert again["addContactsToGroup"]["group"]["memberCount"] == 3
    removed = await ask(client, session, REMOVE_FEW, g=group["id"], c=[ids[0], ids[0]])
    assert removed["removeContactsFromGroup"]["group"]["memberCount"] == 2
    not_member = await ask(client, session, REMOVE_FEW, g=group["id"], c=[ids[0]])
    assert not_member["removeContactsFromGroup"]["group"]["memberCount"] == 2
    assert await members(group) == ["Bob", "Cy"]
    await assert_group_counts_exact(session.workspace)


@pytest.mark.parametrize(
    "status", [ContactStatus.ARCHIVED, ContactStatus.BLOCKED, ContactStatus.STOPPED]
)
async def test_an_inactive_contact_cannot_be_added_naming_it(
    client: httpx.AsyncClient, status: ContactStatus
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    zed = await create_contact(session, "Zed", status=status)
    group = (await create_group(client, session, "List"))["group"]
    before = await workspace_snapshot(session.workspace)
    refused = await ask(
        client, session, ADD_FEW, g=group["id"], c=[contact_gid(ann), contact_gid(zed)]
    )
    assert refused["addContactsToGroup"] == {
        "__typename": "InvalidStateError",
        "message": f"Zed is {status.value}; only active contacts can be added to a group.",
        "code": "INVALID_STATE",
        "field": "contactIds",
    }
    assert await workspace_snapshot(session.workspace) == before


async def test_an_unnamed_inactive_contact_is_named_by_its_uuid(client: httpx.AsyncClient) -> None:
    session = await create_session()
    nobody = await create_contact(session, None, status=ContactStatus.BLOCKED)
    group = (await create_group(client, session, "List"))["group"]
    refused = await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(nobody)])
    assert str(nobody.uuid) in refused["addContactsToGroup"]["message"]


async def test_adding_unknown_contacts_or_too_many_is_refused(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    group = (await create_group(client, session, "List"))["group"]
    missing = global_id("Contact", "00000000-0000-4000-8000-000000000000")
    unknown = await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(ann), missing])
    assert unknown["addContactsToGroup"] == {
        "__typename": "NotFoundError",
        "message": "No such contact.",
        "code": "NOT_FOUND",
        "field": "contactIds",
    }
    too_many = await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(ann)] * 101)
    assert too_many["addContactsToGroup"] == {
        "__typename": "ValidationError",
        "message": "Add at most 100 contacts at once; use a selection job for more.",
        "code": "INVALID",
        "field": "contactIds",
    }
    not_contact = await ask(client, session, ADD_FEW, g=group["id"], c=[group["id"]])
    assert (
        not_contact["addContactsToGroup"]["__typename"],
        not_contact["addContactsToGroup"]["field"],
    ) == (
        "ValidationError",
        "contactIds",
    )
    assert await members(group) == []


async def test_large_selections_are_added_and_removed_by_jobs(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    for i in range(5):
        await create_contact(session, f"Kid {i}", flags=["Kids"])
    await create_contact(session, "Kid Gone", flags=["Kids"], status=ContactStatus.ARCHIVED)
    await create_contact(session, "Adult")
    group = (await create_group(client, session, "Kids List"))["group"]
    started = await ask(
        client, session, group_job("addToGroup"), g=group["id"], filter={"flagsAny": ["kids"]}
    )
    job = started["addToGroup"]["job"]
    assert (job["kind"], job["status"], job["progress"]["total"]) == ("ADD_TO_GROUP", "QUEUED", 6)
    await run_worker(job_chunk_size=2)
    done = await ask(
        client,
        session,
        "query($id: ID!) { job(id: $id) { status changedCount skippedCount } }",
        id=job["id"],
    )
    assert done["job"] == {"status": "SUCCEEDED", "changedCount": 5, "skippedCount": 1}
    assert (await read_group(client, session, group["id"]))["memberCount"] == 5
    removal = await ask(
        client,
        session,
        group_job("removeFromGroup"),
        g=group["id"],
        filter={"query": 'name = "kid 3"'},
    )
    assert removal["removeFromGroup"]["__typename"] == "JobStarted"
    await run_worker()
    assert await members(group) == ["Kid 0", "Kid 1", "Kid 2", "Kid 4"]
    await assert_group_counts_exact(session.workspace)


async def test_an_add_job_says_how_many_inactive_contacts_it_did_not_add(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    for name, status in [
        ("Kid 0", ContactStatus.ACTIVE),
        ("Kid Archived", ContactStatus.ARCHIVED),
        ("Kid 1", ContactStatus.ACTIVE),
        ("Kid Blocked", ContactStatus.BLOCKED),
        ("Kid Stopped", ContactStatus.STOPPED),
        ("Kid Gone", ContactStatus.ARCHIVED),
    ]:
        await create_contact(session, name, flags=["Kids"], status=status)
    group = (await create_group(client, session, "Kids List"))["group"]
    started = await ask(
        client,
        session,
        group_job("addToGroup"),
        g=group["id"],
        filter={"flagsAny": ["kids"], "status": ["ACTIVE", "ARCHIVED", "BLOCKED", "STOPPED"]},
    )
    await run_worker(job_chunk_size=2)
    done = await ask(
        client,
        session,
        "query($id: ID!) { job(id: $id) { status changedCount skippedCount "
        "errors { message code } } }",
        id=started["addToGroup"]["job"]["id"],
    )
    assert done["job"] == {
        "status": "SUCCEEDED",
        "changedCount": 2,
        "skippedCount": 4,
        "errors": [
            {
                "message": "4 selected contacts were not added: 2 are archived, 1 is blocked "
                "and 1 is stopped; only active contacts can be added to a group.",
                "code": "inactive_contacts",
            }
        ],
    }
    assert await members(group) == ["Kid 0", "Kid 1"]


@pytest.mark.parametrize(
    ("mutation", "by_job"),
    [
        ("addContactsToGroup", False),
        ("removeContactsFromGroup", False),
        ("addToGroup", True),
        ("removeFromGroup", True),
    ],
)
async def test_smart_groups_cannot_be_changed_by_hand(
    client: httpx.AsyncClient, run_worker: RunWorker, mutation: str, by_job: bool
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    bob = await create_contact(session, "Bob")
    smart = await ready_group(client, session, run_worker, "Anns", "name ~ ann")
    before = await workspace_snapshot(session.workspace)
    if by_job:
        body = await ask(
            client, session, group_job(mutation), g=smart["id"], ids=[contact_gid(bob)]
        )
    else:
        query = ADD_FEW if mutation == "addContactsToGroup" else REMOVE_FEW
        body = await ask(client, session, query, g=smart["id"], c=[contact_gid(ann)])
    assert body[mutation] == {
        "__typename": "InvalidStateError",
        "message": "Anns is a smart group: its members follow its query.",
        "code": "INVALID_STATE",
        "field": "groupId",
    }
    assert await workspace_snapshot(session.workspace) == before


# --- deleting groups and their usages ----------------------------------------------------------


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


async def test_groups_list_costs_the_same_queries_for_one_or_many(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    query = "{ groups { id name kind query status memberCount usages { kind ref name } } }"

    async def workspace_with(n: int) -> Session:
        session = await create_session()
        ann = await create_contact(session, "Ann")
        for i in range(n):
            group = (await create_group(client, session, f"G{i}"))["group"]
            await ask(client, session, ADD_FEW, g=group["id"], c=[contact_gid(ann)])
            await ask(
                client,
                session,
                REGISTER,
                consumer={"kind": "campaign", "ref": f"c{i}"},
                groups=[group["id"]],
            )
        return session

    one, many = await workspace_with(1), await workspace_with(8)
    await ask(client, one, query)
    with count_queries() as single:
        small = await ask(client, one, query)
    with count_queries() as several:
        large = await ask(client, many, query)
    assert len(small["groups"]) == 1 and len(large["groups"]) == 8
    assert all(g["memberCount"] == 1 and len(g["usages"]) == 1 for g in large["groups"])
    assert_same_statement_count(single, several)


async def test_a_smart_group_whose_query_stops_reading_becomes_invalid_and_can_be_fixed(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["VIP"])
    flag = await ask(client, session, "{ flags { id } }")
    created = await create_group(client, session, "VIPs", "flag = vip")
    refused = await ask(
        client,
        session,
        "mutation($id: ID!) { deleteFlag(id: $id) { __typename ... on UserError { message } } }",
        id=flag["flags"][0]["id"],
    )
    assert refused["deleteFlag"] == {
        "__typename": "InvalidStateError",
        "message": "Flag VIP is used by the smart groups VIPs; change their queries first.",
    }
    # Only a change behind the API's back (here: SQL) can make a stored query stop reading.
    await sql().execute("DELETE FROM flag WHERE workspace_id = $1", session.workspace.id)
    await run_worker()
    group = await read_group(client, session, created["group"]["id"])
    assert (group["status"], group["memberCount"]) == ("INVALID", 0)
    fixed = await ask(client, session, UPDATE, id=group["id"], input={"query": "name ~ ann"})
    assert fixed["updateGroup"]["group"]["status"] == "EVALUATING"
    await run_worker()
    group = await read_group(client, session, group["id"])
    assert (group["status"], group["memberCount"]) == ("READY", 1)


async def test_a_contact_change_marks_a_group_whose_query_stops_reading_invalid(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    await create_contact(session, "Bob", urns=["tel:0788 111 222"])
    callers = await ready_group(client, session, run_worker, "Callers", "tel ~ 0788")
    assert callers["memberCount"] == 2
    await set_anonymous(session.workspace)
    await update_contact(client, session, ann, name="Annie")
    group = await read_group(client, session, callers["id"])
    assert (group["status"], group["memberCount"]) == ("INVALID", 2)
    assert await members(group) == ["Annie", "Bob"]
