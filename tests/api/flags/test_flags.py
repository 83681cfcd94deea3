"""Flags as a front-end lists them: each with its count, renamed in place."""

from __future__ import annotations

from typing import Any

import httpx

from models.enums import ContactStatus, Role
from tests.factories import (
    Session,
    assert_same_statement_count,
    create_contact,
    create_session,
    data_of,
    global_id,
    gql,
)

FLAGS = "{ flags { id name count } }"
RENAME = """
mutation($id: ID!, $name: String!) {
  renameFlag(id: $id, name: $name) {
    __typename
    ... on FlagRenamed { flag { id name count } }
    ... on UserError { message code field }
  }
}
"""


async def flags(client: httpx.AsyncClient, session: Session) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data_of(await gql(client, session, FLAGS))["flags"]
    return found


async def test_each_flag_counts_its_holders_whatever_their_status(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["VIP", "Donor"])
    await create_contact(session, "Ben", flags=["vip"], status=ContactStatus.ARCHIVED)
    await create_contact(session, "Cy")
    other = await create_session()
    await create_contact(other, "Theo", flags=["VIP"])

    found = {f["name"]: f["count"] for f in await flags(client, session)}
    assert found == {"Donor": 1, "VIP": 2}


async def test_counting_flags_costs_the_same_statements_for_one_or_many(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["F0"])
    await flags(client, session)  # the token's first use is recorded once
    with count_queries() as one:
        await flags(client, session)
    await create_contact(session, "Ben", flags=[f"F{i}" for i in range(1, 12)])
    with count_queries() as many:
        assert len(await flags(client, session)) == 12
    assert_same_statement_count(one, many)


async def test_a_flag_is_renamed_and_keeps_its_holders(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["Vip"])
    (flag,) = await flags(client, session)

    renamed = data_of(await gql(client, session, RENAME, {"id": flag["id"], "name": " VIP  "}))
    assert renamed["renameFlag"] == {
        "__typename": "FlagRenamed",
        "flag": {"id": flag["id"], "name": "VIP", "count": 1},
    }
    contacts = data_of(
        await gql(client, session, '{ contacts(filter: {query: "flag = VIP"}) { totalCount } }')
    )
    assert contacts["contacts"]["totalCount"] == 1


async def test_a_rename_that_cannot_be_done_changes_nothing(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["Gold", "Silver"])
    gold = next(f for f in await flags(client, session) if f["name"] == "Gold")
    viewer = await create_session(session.workspace, role=Role.VIEWER, name="Vi")
    smart = data_of(
        await gql(
            client,
            session,
            'mutation { createGroup(input: {name: "Goldies", query: "flag = Gold"}) '
            "{ __typename } }",
        )
    )
    assert smart["createGroup"]["__typename"] == "GroupSaved"

    for who, id, name, code in [
        (session, gold["id"], "silver", "DUPLICATE_NAME"),
        (session, gold["id"], "a,b", "INVALID"),
        (session, gold["id"], "Platinum", "INVALID_STATE"),  # its smart group reads it
        (session, global_id("Flag", "5f0c4a52-0d5e-4a8e-9a49-6f1f0d0f6a11"), "X", "NOT_FOUND"),
        (viewer, gold["id"], "Platinum", "FORBIDDEN"),
    ]:
        body = await gql(client, who, RENAME, {"id": id, "name": name})
        answer = body["data"]["renameFlag"] if body.get("data") else body["errors"][0]
        code_found = answer.get("code") or answer.get("extensions", {}).get("code")
        assert code_found == code, (name, body)
    assert {f["name"] for f in await flags(client, session)} == {"Gold", "Silver"}
