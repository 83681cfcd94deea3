"""Where a field is used (issue 3): usages other systems register, and what a field's
usages answer."""

from __future__ import annotations

from typing import Any

import httpx

from models.enums import FieldType
from services.groups import definitions as groups
from tests.api.fields.documents import REGISTER, UNREGISTER, USAGES, ask
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    assert_same_statement_count,
    create_contact,
    create_session,
    define_field,
    workspace_snapshot,
)


async def test_register_replaces_the_consumer_keys_and_unregister_removes_them(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    for name in ("Plan", "Town", "Age"):
        await define_field(session, name)
    consumer = {"kind": "Campaign", "ref": "c-1", "name": "Spring"}
    first = await ask(client, session, REGISTER, consumer=consumer, keys=["plan", "TOWN", "plan"])
    assert first["registerFieldUsages"] == {
        "__typename": "FieldUsagesRegistered",
        # The consumer as stored (kinds are lowercase), the way usages list it.
        "consumer": {"kind": "campaign", "ref": "c-1", "name": "Spring"},
        "keys": ["plan", "town"],
    }
    await ask(client, session, REGISTER, consumer=consumer, keys=["age"])
    used = await ask(client, session, "{ fields { key usages { consumers { kind ref name } } } }")
    assert {f["key"]: f["usages"]["consumers"] for f in used["fields"]} == {
        "age": [{"kind": "campaign", "ref": "c-1", "name": "Spring"}],
        "plan": [],
        "town": [],
    }
    removed = await ask(client, session, UNREGISTER, consumer=consumer)
    assert removed["unregisterFieldUsages"]["removed"] == 1
    after = await ask(client, session, USAGES, key="age")
    assert after["field"]["usages"]["consumers"] == []


async def test_register_refuses_unknown_keys_and_reserved_kinds_changing_nothing(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await define_field(session, "Plan")
    consumer = {"kind": "campaign", "ref": "c-1", "name": "Spring"}
    await ask(client, session, REGISTER, consumer=consumer, keys=["plan"])
    before = await workspace_snapshot(session.workspace)
    unknown = await ask(client, session, REGISTER, consumer=consumer, keys=["plan", "nope"])
    assert unknown["registerFieldUsages"] == {
        "__typename": "NotFoundError",
        "message": 'No field with key "nope".',
        "code": "NOT_FOUND",
        "field": "keys",
    }
    reserved = await ask(
        client, session, REGISTER, consumer={"kind": "smart_group", "ref": "x"}, keys=["plan"]
    )
    assert reserved["registerFieldUsages"] == {
        "__typename": "ValidationError",
        "message": '"smart_group" usages are kept by the service itself.',
        "code": "INVALID",
        "field": "consumer",
    }
    assert await workspace_snapshot(session.workspace) == before


async def test_field_usages_answer_where_the_field_is_used(
    client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    await create_contact(session, "A", fields={"age": "30"})
    await create_contact(session, "B", fields={"age": "70"})
    await create_contact(session, "C")
    await groups.create_group(session.caller, name="Seniors", query="age > 60")
    await groups.create_group(session.caller, name="Adults", query="age >= 18")
    await groups.create_group(session.caller, name="Named", query="name ~ ab")
    await ask(
        client,
        session,
        REGISTER,
        consumer={"kind": "form", "ref": "f-1", "name": "Signup"},
        keys=["age"],
    )
    await run_worker()
    body = await ask(client, session, USAGES, key="age")
    assert body["field"]["usages"] == {
        "smartGroups": [
            {"kind": "smart_group", "name": "Adults"},
            {"kind": "smart_group", "name": "Seniors"},
        ],
        "pendingImports": [],
        "consumers": [{"kind": "form", "ref": "f-1", "name": "Signup"}],
        "contactCount": 2,
    }
    assert (await ask(client, session, USAGES, key="nope")) == {"field": None}


async def test_fields_with_usages_cost_the_same_queries_for_one_or_many(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    query = (
        "{ fields { key usages { smartGroups { name } pendingImports { name } "
        "consumers { name } contactCount } } }"
    )

    async def workspace_with(n: int) -> Session:
        session = await create_session()
        for i in range(n):
            await define_field(session, f"F{i}", FieldType.NUMBER)
            await create_contact(session, f"C{i}", fields={f"f{i}": str(i)})
            await groups.create_group(session.caller, name=f"G{i}", query=f"f{i} > 1")
            await ask(
                client,
                session,
                REGISTER,
                consumer={"kind": "flow", "ref": f"r{i}"},
                keys=[f"f{i}"],
            )
        return session

    one, many = await workspace_with(1), await workspace_with(6)
    await ask(client, one, query)  # warm up the pool's type caches
    with count_queries() as single:
        small = await ask(client, one, query)
    with count_queries() as several:
        large = await ask(client, many, query)
    assert len(small["fields"]) == 1 and len(large["fields"]) == 6
    assert [f["usages"]["contactCount"] for f in large["fields"]] == [1] * 6
    assert_same_statement_count(single, several)
