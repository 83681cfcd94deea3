"""updateGroup (issue 4): changing a smart group's query re-evaluates it; renames."""

from __future__ import annotations

import httpx

from core.sql import sql
from models.enums import FieldType
from tests.api.groups.documents import (
    DELETE,
    READ_GROUP,
    UPDATE,
    ask,
    create_group,
    members,
    people_with_ages,
    read_group,
    ready_group,
    uuid_of,
)
from tests.conftest import RunWorker
from tests.factories import (
    assert_group_counts_exact,
    contact_gid,
    create_contact,
    create_session,
    define_field,
    global_id,
    workspace_snapshot,
)


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
