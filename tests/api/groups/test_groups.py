"""Creating and listing groups through GraphQL (issue 4): manual lists, smart groups
evaluated by a job, names, limits and queries a smart group cannot use."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from models.enums import ContactStatus, FieldType
from tests.api.groups.documents import (
    ADD_FEW,
    REGISTER,
    UPDATE,
    ask,
    create_group,
    members,
    people_with_ages,
    read_group,
)
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    assert_group_counts_exact,
    assert_same_statement_count,
    contact_gid,
    create_contact,
    create_session,
    define_field,
    fill_groups,
    workspace_snapshot,
)


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
