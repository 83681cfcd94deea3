"""Flags of contacts: given by name when a contact is created or updated; `createFlag`,
`deleteFlag`."""

from __future__ import annotations

import httpx
import pytest

from tests.api.contacts.support import CONTACT, FLAGS, create, update
from tests.factories import contact_gid, create_contact, create_session, data_of, global_id, gql

CREATE_FLAG = """
mutation($name: String!) { createFlag(name: $name) {
  __typename ... on FlagCreated { flag { id name } } ... on UserError { message code field } } }
"""

DELETE_FLAG = """
mutation($id: ID!) { deleteFlag(id: $id) {
  __typename ... on FlagDeleted { deletedId } ... on UserError { message code field } } }
"""


async def test_flags_are_created_on_the_fly_and_reused_whatever_the_case(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    first = await create(client, session, name="Ann", flags=["VIP"])
    second = await create(client, session, name="Bob", flags=["vip", " New  Flag "])
    assert first["contact"]["flags"] == [{"name": "VIP"}]
    assert second["contact"]["flags"] == [{"name": "New Flag"}, {"name": "VIP"}]
    flags = data_of(await gql(client, session, FLAGS))["flags"]
    assert [f["name"] for f in flags] == ["New Flag", "VIP"]


async def test_update_contact_adds_and_removes_flags_by_name(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await create_contact(session, "Other", flags=["VIP"])
    ann = await create_contact(session, "Ann", flags=["Old", "Keep"])
    result = await update(
        client, session, contact_gid(ann), addFlags=["vip", "Brand New"], removeFlags=["OLD"]
    )
    assert result["__typename"] == "ContactUpdated", result
    assert result["contact"]["flags"] == [{"name": "Brand New"}, {"name": "Keep"}, {"name": "VIP"}]
    flags = data_of(await gql(client, session, FLAGS))["flags"]
    assert sorted(f["name"] for f in flags) == ["Brand New", "Keep", "Old", "VIP"]


async def test_create_flag_and_refuse_a_duplicate_in_any_case(client: httpx.AsyncClient) -> None:
    session = await create_session()
    created = data_of(await gql(client, session, CREATE_FLAG, {"name": "VIP"}))["createFlag"]
    assert created["__typename"] == "FlagCreated"
    assert created["flag"]["name"] == "VIP"
    duplicate = data_of(await gql(client, session, CREATE_FLAG, {"name": "vip"}))["createFlag"]
    assert duplicate == {
        "__typename": "DuplicateNameError",
        "message": 'A flag named "vip" already exists.',
        "code": "DUPLICATE_NAME",
        "field": "name",
    }
    assert [f["name"] for f in data_of(await gql(client, session, FLAGS))["flags"]] == ["VIP"]


@pytest.mark.parametrize(
    "name",
    ["   ", "f" * 65, "Gold, Silver", " -- "],
    ids=["blank", "too-long", "comma", "clear-mark"],
)
async def test_create_flag_refuses_a_bad_name_naming_the_argument(
    client: httpx.AsyncClient, name: str
) -> None:
    session = await create_session()
    result = data_of(await gql(client, session, CREATE_FLAG, {"name": name}))["createFlag"]
    assert (result["__typename"], result["code"], result["field"]) == (
        "ValidationError",
        "INVALID",
        "name",
    )
    assert data_of(await gql(client, session, FLAGS))["flags"] == []


async def test_delete_flag_removes_it_from_every_contact(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", flags=["VIP", "Keep"])
    flags = {f["name"]: f["id"] for f in data_of(await gql(client, session, FLAGS))["flags"]}
    result = data_of(await gql(client, session, DELETE_FLAG, {"id": flags["VIP"]}))["deleteFlag"]
    assert result == {"__typename": "FlagDeleted", "deletedId": flags["VIP"]}
    assert [f["name"] for f in data_of(await gql(client, session, FLAGS))["flags"]] == ["Keep"]
    contact = data_of(await gql(client, session, CONTACT, {"id": contact_gid(ann)}))["contact"]
    assert contact["flags"] == [{"name": "Keep"}]


async def test_delete_flag_with_an_unknown_id_is_not_found(client: httpx.AsyncClient) -> None:
    session = await create_session()
    result = data_of(
        await gql(
            client,
            session,
            DELETE_FLAG,
            {"id": global_id("Flag", "00000000-0000-4000-8000-000000000000")},
        )
    )["deleteFlag"]
    assert result == {
        "__typename": "NotFoundError",
        "message": "No such flag.",
        "code": "NOT_FOUND",
        "field": "id",
    }
