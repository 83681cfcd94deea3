from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import RunWorker
from tests.factories import Session, create_contact, create_session, gql

FIELD = "key name valueType featured position"


async def _create_field(
    client: httpx.AsyncClient, session: Session, **input: Any
) -> dict[str, Any]:
    body = await gql(
        client,
        session,
        f"""mutation($input: CreateFieldInput!) {{ createField(input: $input) {{
            __typename ... on FieldCreated {{ contactField {{ {FIELD} }} }}
            ... on UserError {{ message code field }} }} }}""",
        {"input": input},
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["createField"]
    return result


async def test_key_is_derived_from_the_name(client: httpx.AsyncClient) -> None:
    session = await create_session()
    created = await _create_field(client, session, name="Registration Date", valueType="DATETIME")
    assert created["contactField"] == {
        "key": "registration_date",
        "name": "Registration Date",
        "valueType": "DATETIME",
        "featured": False,
        "position": None,
    }


async def test_reserved_keys_and_duplicate_names_are_refused(client: httpx.AsyncClient) -> None:
    session = await create_session()
    refused = await _create_field(client, session, name="Status")
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "key"
    assert '"status" is a built-in contact attribute' in refused["message"]
    await _create_field(client, session, name="Age", valueType="NUMBER")
    duplicate = await _create_field(client, session, name="AGE", key="age_two")
    assert duplicate["__typename"] == "DuplicateNameError"
    assert duplicate["field"] == "name"


async def test_type_change_round_trip_keeps_what_was_entered(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await _create_field(client, session, name="Age")
    for name, age in [("A", "42"), ("B", "forty"), ("C", "7.5")]:
        await create_contact(session, name, fields={"age": age})
    change = """mutation($t: FieldValueType!, $dry: Boolean!) {
        changeFieldType(key: "age", valueType: $t, dryRun: $dry) {
          __typename
          ... on FieldTypeChanged { converted notConverted contactField { valueType } } } }"""
    dry = await gql(client, session, change, {"t": "NUMBER", "dry": True})
    assert dry["data"]["changeFieldType"] == {
        "__typename": "FieldTypeChanged",
        "converted": 2,
        "notConverted": 1,
        "contactField": {"valueType": "TEXT"},
    }
    await gql(client, session, change, {"t": "NUMBER", "dry": False})
    listing = (
        "{ contacts(order: {field: NAME, direction: ASC}) "
        "{ edges { node { name fields { text number } } } } }"
    )
    body = await gql(client, session, listing)
    values = [(e["node"]["name"], e["node"]["fields"]) for e in body["data"]["contacts"]["edges"]]
    assert values == [
        ("A", [{"text": "42", "number": "42"}]),
        ("B", []),
        ("C", [{"text": "7.5", "number": "7.5"}]),
    ]
    await gql(client, session, change, {"t": "TEXT", "dry": False})
    body = await gql(client, session, listing)
    texts = [[f["text"] for f in e["node"]["fields"]] for e in body["data"]["contacts"]["edges"]]
    assert texts == [["42"], ["forty"], ["7.5"]]


async def test_order_by_number_field_puts_empty_values_last_both_ways(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await _create_field(client, session, name="Score", valueType="NUMBER", featured=True)
    for name, score in [("A", "10"), ("B", None), ("C", "-2.5"), ("D", "100"), ("E", None)]:
        await create_contact(session, name, fields={"score": score} if score else {})
    names = {}
    for direction in ("ASC", "DESC"):
        seen: list[str] = []
        after = None
        while True:
            body = await gql(
                client,
                session,
                """query($d: SortDirection!, $after: String) {
                    contacts(order: {fieldKey: "score", direction: $d}, first: 2, after: $after) {
                      edges { node { name } } pageInfo { hasNextPage endCursor } } }""",
                {"d": direction, "after": after},
            )
            page = body["data"]["contacts"]
            seen += [e["node"]["name"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        names[direction] = seen
    assert names["ASC"] == ["C", "A", "D", "B", "E"]
    assert names["DESC"] == ["D", "A", "C", "E", "B"]


async def test_delete_large_field_runs_as_a_job(
    client: httpx.AsyncClient, run_worker: RunWorker, monkeypatch: Any
) -> None:
    from services.fields import definitions as fields

    monkeypatch.setattr(fields, "INLINE_DELETE_LIMIT", 2)
    session = await create_session()
    await _create_field(client, session, name="District")
    for i in range(5):
        await create_contact(session, f"N{i}", fields={"district": f"D{i}"})
    body = await gql(
        client,
        session,
        """mutation { deleteField(key: "district") { __typename
            ... on FieldDeleted { key valuesRemoved job { progress { total } } } } }""",
    )
    assert body["data"]["deleteField"] == {
        "__typename": "FieldDeleted",
        "key": "district",
        "valuesRemoved": 0,
        "job": {"progress": {"total": 5}},
    }
    assert (await gql(client, session, '{ field(key: "district") { key } }'))["data"] == {
        "field": None
    }
    await run_worker()
    from core.sql import sql

    left = await sql().fetchval(
        "SELECT count(*) FROM contact WHERE workspace_id = $1 AND fields <> '{}'",
        session.workspace.id,
    )
    assert left == 0


async def test_field_usages_block_deletion_until_acknowledged(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await _create_field(client, session, name="Plan")
    await create_contact(session, "A", fields={"plan": "gold"})
    body = await gql(
        client,
        session,
        """mutation { registerFieldUsages(consumer: {kind: "campaign", ref: "c-1", name: "Spring"},
            keys: ["plan"]) { __typename } }""",
    )
    assert body["data"]["registerFieldUsages"]["__typename"] == "FieldUsagesRegistered"
    usages = await gql(
        client,
        session,
        "{ fields { key usages { consumers { kind ref name } contactCount "
        "smartGroups { name } } } }",
    )
    assert usages["data"]["fields"] == [
        {
            "key": "plan",
            "usages": {
                "consumers": [{"kind": "campaign", "ref": "c-1", "name": "Spring"}],
                "contactCount": 1,
                "smartGroups": [],
            },
        }
    ]
    delete = """mutation($ack: Boolean!) { deleteField(key: "plan", acknowledgeUsages: $ack) {
        __typename ... on FieldInUseError { message usages { name } } } }"""
    refused = await gql(client, session, delete, {"ack": False})
    assert refused["data"]["deleteField"]["__typename"] == "FieldInUseError"
    assert refused["data"]["deleteField"]["usages"] == [{"name": "Spring"}]
    done = await gql(client, session, delete, {"ack": True})
    assert done["data"]["deleteField"]["__typename"] == "FieldDeleted"
