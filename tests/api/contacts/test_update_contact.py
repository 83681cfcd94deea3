"""updateContact: only the fields given change, `null` clears, addresses are replaced, refusals
change nothing."""

from __future__ import annotations

import httpx

from core.sql import sql
from tests.api.contacts.support import CONTACT, UPDATE, create, update
from tests.factories import (
    contact_gid,
    create_contact,
    create_session,
    data_of,
    global_id,
    gql,
    workspace_snapshot,
)


async def test_update_changes_only_the_fields_given(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(
        session,
        "Ann",
        urns=["tel:0788 383 383"],
        flags=["VIP"],
        language="eng",
        company="Acme",
        job_title="Buyer",
        country="RW",
        state="Kigali",
        notes="Note",
    )
    before = data_of(await gql(client, session, CONTACT, {"id": contact_gid(ann)}))["contact"]
    result = await update(client, session, contact_gid(ann), name="Anne")
    assert result["__typename"] == "ContactUpdated", result
    after = result["contact"]
    assert after["name"] == "Anne"
    assert after["modifiedOn"] > before["modifiedOn"]
    unchanged = {k: v for k, v in before.items() if k not in ("name", "modifiedOn")}
    assert {k: v for k, v in after.items() if k not in ("name", "modifiedOn")} == unchanged


async def test_update_with_explicit_null_clears_the_field(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(
        session, "Ann", company="Acme", language="eng", country="RW", notes="n"
    )
    result = await update(
        client, session, contact_gid(ann), company=None, language=None, country=None, name=None
    )
    contact = result["contact"]
    assert (contact["name"], contact["company"], contact["language"], contact["country"]) == (
        None,
        None,
        None,
        None,
    )
    assert contact["notes"] == "n"


async def test_update_replaces_the_address_list(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383", "mailto:a@example.com"])
    result = await update(
        client, session, contact_gid(ann), urns=["mailto:A@example.com", "telegram:12345"]
    )
    assert result["contact"]["urns"] == [
        {"identity": "mailto:a@example.com", "priority": 2},
        {"identity": "telegram:12345", "priority": 1},
    ]
    # The freed number can now be given to someone else.
    bob = await create(client, session, name="Bob", urns=["tel:0788 383 383"])
    assert bob["__typename"] == "ContactCreated"


async def test_update_with_an_empty_address_list_removes_them_all(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    result = await update(client, session, contact_gid(ann), urns=[])
    assert result["contact"]["urns"] == []


async def test_update_with_null_addresses_clears_them(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    body = await gql(client, session, UPDATE, {"input": {"id": contact_gid(ann), "urns": None}})
    result = data_of(body)["updateContact"]
    assert result["__typename"] == "ContactUpdated", result
    assert result["contact"]["urns"] == []


async def test_update_refuses_a_null_status(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    result = await update(client, session, contact_gid(ann), status=None, name="Anne")
    assert result == {
        "__typename": "ValidationError",
        "message": "A contact always has a status.",
        "code": "INVALID",
        "field": "status",
    }
    assert (await sql().fetchval("SELECT name FROM contact WHERE id = $1", ann.id)) == "Ann"


async def test_update_refuses_bad_values_without_changing_anything(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    before = await workspace_snapshot(session.workspace)
    for values, field in (
        ({"name": "Anne", "urns": ["tel:12"]}, "urns"),
        ({"name": "n" * 129, "addFlags": ["New"]}, "name"),
        ({"language": "xx", "addFlags": ["New"]}, "language"),
    ):
        result = await update(client, session, contact_gid(ann), **values)
        assert (result["__typename"], result["field"]) == ("ValidationError", field)
    assert await workspace_snapshot(session.workspace) == before


async def test_updating_to_a_taken_address_returns_duplicate_urn_error_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["mailto:ann@example.com"])
    bob = await create_contact(session, "Bob", urns=["tel:0788 000 001"])
    before = await workspace_snapshot(session.workspace)
    result = await update(
        client,
        session,
        contact_gid(bob),
        name="Robert",
        urns=["tel:0788 000 001", "mailto:ANN@example.com"],
        addFlags=["Fresh"],
    )
    assert result["__typename"] == "DuplicateURNError"
    assert result["existingContactId"] == contact_gid(ann)
    assert result["urn"] == "mailto:ann@example.com"
    assert (result["code"], result["field"]) == ("DUPLICATE_URN", "urns")
    assert '"Ann"' in result["message"]
    assert await workspace_snapshot(session.workspace) == before


async def test_update_of_an_unknown_contact_is_not_found(client: httpx.AsyncClient) -> None:
    session = await create_session()
    missing = global_id("Contact", "00000000-0000-4000-8000-000000000000")
    assert await update(client, session, missing, name="X") == {
        "__typename": "NotFoundError",
        "message": "No such contact.",
        "code": "NOT_FOUND",
        "field": "id",
    }
