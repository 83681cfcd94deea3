"""createContact: attributes read and normalized, one contact per address, refusals that write
nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from models.enums import FieldType
from services.fields.definitions import create_field
from tests.api.contacts.support import CONTACT, create, update
from tests.factories import (
    contact_gid,
    create_contact,
    create_session,
    create_workspace,
    data_of,
    gql,
    set_anonymous,
    workspace_snapshot,
)

# --- creating ----------------------------------------------------------------------------------


async def test_create_contact_returns_every_attribute_normalized(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    result = await create(
        client,
        session,
        name="  Ann   Smith ",
        language="ENG",
        status="ACTIVE",
        company="Acme Ltd",
        jobTitle="Buyer",
        country="rw",
        state="Kigali",
        notes="Met at the fair.",
        urns=[
            "tel:0788 383 383",
            "mailto: Ann@Example.COM ",
            "whatsapp:+250 788-383-384",
            "telegram:@Ann_Smith",
            "ext:crm-42",
        ],
        flags=["VIP", "Partner"],
    )
    assert result["__typename"] == "ContactCreated", result
    contact = result["contact"]
    assert contact["createdOn"] == contact["modifiedOn"]
    assert {k: v for k, v in contact.items() if k not in ("id", "createdOn", "modifiedOn")} == {
        "name": "Ann Smith",
        "language": "eng",
        "status": "ACTIVE",
        "company": "Acme Ltd",
        "jobTitle": "Buyer",
        "country": "RW",
        "state": "Kigali",
        "notes": "Met at the fair.",
        "source": "API",
        "lastSeenOn": None,
        "urns": [
            {"identity": "tel:+250788383383", "priority": 5},
            {"identity": "mailto:ann@example.com", "priority": 4},
            {"identity": "whatsapp:250788383384", "priority": 3},
            {"identity": "telegram:ann_smith", "priority": 2},
            {"identity": "ext:crm-42", "priority": 1},
        ],
        "flags": [{"name": "Partner"}, {"name": "VIP"}],
    }
    read_back = data_of(await gql(client, session, CONTACT, {"id": contact["id"]}))["contact"]
    assert read_back == contact


async def test_create_contact_with_nothing_but_defaults(client: httpx.AsyncClient) -> None:
    session = await create_session()
    result = await create(client, session)
    assert result["__typename"] == "ContactCreated", result
    contact = result["contact"]
    assert (contact["name"], contact["status"], contact["urns"], contact["flags"]) == (
        None,
        "ACTIVE",
        [],
        [],
    )


@pytest.mark.parametrize(
    ("country", "written", "stored"),
    [
        ("RW", "tel:0788 383 383", "tel:+250788383383"),
        ("US", "tel:250788383383", "tel:+250788383383"),
        ("US", "tel:(202) 555-0143", "tel:+12025550143"),
        ("RW", "tel:+1 202 555 0143", "tel:+12025550143"),
    ],
)
async def test_phone_numbers_are_stored_as_e164_read_in_the_workspace_country(
    client: httpx.AsyncClient, country: str, written: str, stored: str
) -> None:
    session = await create_session(await create_workspace(country=country))
    result = await create(client, session, urns=[written])
    assert result["__typename"] == "ContactCreated", result
    assert result["contact"]["urns"] == [{"identity": stored, "priority": 1}]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("tel:12345", 'Address 1: "12345" is not a possible phone number for RW: too short'),
        (
            "tel:0788 ABC",
            'Address 1: "0788 ABC" is not a possible phone number: it contains letters',
        ),
        (
            "mailto:ann.example.com",
            'Address 1: "ann.example.com" is not an email address: it needs exactly one @',
        ),
        ("fax:123", 'Address 1: "fax:123" has an unknown scheme "fax"'),
    ],
)
async def test_an_impossible_address_is_refused_naming_value_and_reason(
    client: httpx.AsyncClient, written: str, message: str
) -> None:
    session = await create_session()
    result = await create(client, session, name="Ann", urns=[written])
    assert result["__typename"] == "ValidationError"
    assert (result["code"], result["field"]) == ("INVALID", "urns")
    assert result["message"].startswith(message), result["message"]


async def test_the_failing_address_is_numbered_in_the_message(client: httpx.AsyncClient) -> None:
    session = await create_session()
    result = await create(client, session, urns=["tel:0788 383 383", "tel:12"])
    assert result == {
        "__typename": "ValidationError",
        "message": 'Address 2: "12" is not a possible phone number for RW: too short',
        "code": "INVALID",
        "field": "urns",
    }


async def test_name_of_128_characters_is_kept_and_129_refused(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ok = await create(client, session, name="a" * 128)
    assert ok["__typename"] == "ContactCreated"
    assert ok["contact"]["name"] == "a" * 128
    refused = await create(client, session, name="b" * 129)
    assert refused == {
        "__typename": "ValidationError",
        "message": "Name is 129 characters long; the limit is 128.",
        "code": "INVALID",
        "field": "name",
    }


@pytest.mark.parametrize("field", ["company", "jobTitle", "state"])
async def test_too_long_text_attribute_is_refused_naming_the_input_field(
    client: httpx.AsyncClient, field: str
) -> None:
    session = await create_session()
    result = await create(client, session, **{field: "x" * 129})
    assert result["__typename"] == "ValidationError"
    assert (result["code"], result["field"]) == ("INVALID", field)


@pytest.mark.parametrize(
    ("field", "value"), [("language", "xx"), ("language", "klingonese"), ("country", "ZZ")]
)
async def test_unknown_language_or_country_code_is_refused(
    client: httpx.AsyncClient, field: str, value: str
) -> None:
    session = await create_session()
    result = await create(client, session, **{field: value})
    assert result["__typename"] == "ValidationError"
    assert (result["code"], result["field"]) == ("INVALID", field)
    assert f'"{value}"' in result["message"]


@pytest.mark.parametrize("written", ["en", "English", "ENG"])
async def test_a_language_reads_from_its_two_letter_code_or_english_name(
    client: httpx.AsyncClient, written: str
) -> None:
    session = await create_session()
    result = await create(client, session, name="Ann", language=written)
    assert result["__typename"] == "ContactCreated", result
    assert result["contact"]["language"] == "eng"


@pytest.mark.parametrize("status", ["ACTIVE", "ARCHIVED", "BLOCKED", "STOPPED"])
async def test_contact_can_be_created_with_any_status(
    client: httpx.AsyncClient, status: str
) -> None:
    session = await create_session()
    result = await create(client, session, name="Ann", status=status)
    assert result["contact"]["status"] == status


@pytest.mark.parametrize(
    ("attribute", "value", "field", "message"),
    [
        ("name", " -- ", "name", '"--" on its own is not a valid name'),
        ("company", "--", "company", '"--" on its own is not a valid company'),
        ("fields", {"nick": "--"}, "fields.nick", '"--" on its own is not a valid value for'),
    ],
)
async def test_the_import_clear_mark_is_never_stored_as_a_value(
    client: httpx.AsyncClient, attribute: str, value: Any, field: str, message: str
) -> None:
    session = await create_session()
    await create_field(session.caller, name="Nick", value_type=FieldType.TEXT)
    result = await create(client, session, **{"name": "Ann", attribute: value})
    assert (result["__typename"], result["field"]) == ("ValidationError", field)
    assert result["message"].startswith(message)
    accepted = await create(client, session, name="-- Ann --", fields={"nick": "---"})
    assert accepted["__typename"] == "ContactCreated"


# --- one contact per address -------------------------------------------------------------------


async def test_taken_address_returns_duplicate_urn_error_naming_the_owner(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    before = await workspace_snapshot(session.workspace)
    result = await create(
        client,
        session,
        name="Bob",
        urns=["mailto:bob@example.com", "tel:+250 788 383 383"],
        flags=["Brand New"],
    )
    assert result == {
        "__typename": "DuplicateURNError",
        "message": f'tel:+250788383383 already belongs to "Ann" ({ann.uuid}).',
        "code": "DUPLICATE_URN",
        "field": "urns",
        "urn": "tel:+250788383383",
        "existingContactId": contact_gid(ann),
    }
    assert await workspace_snapshot(session.workspace) == before


async def test_a_workspace_that_hides_addresses_does_not_say_who_has_one(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await set_anonymous(session.workspace)
    await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    bob = await create_contact(session, "Bob")
    created = await create(client, session, name="Cleo", urns=["tel:+250 788 383 383"])
    updated = await update(client, session, contact_gid(bob), urns=["tel:0788383383"])
    for result in (created, updated):
        assert result == {
            "__typename": "DuplicateURNError",
            "message": "tel:+250788383383 already belongs to another contact.",
            "code": "DUPLICATE_URN",
            "field": "urns",
            "urn": "tel:+250788383383",
            "existingContactId": None,
        }


async def test_same_address_in_another_workspace_is_fine(client: httpx.AsyncClient) -> None:
    first = await create_session()
    await create_contact(first, "Ann", urns=["tel:0788 383 383", "mailto:ann@example.com"])
    second = await create_session(await create_workspace("Other"))
    result = await create(
        client, second, name="Ann", urns=["tel:0788 383 383", "mailto:ann@example.com"]
    )
    assert result["__typename"] == "ContactCreated", result


async def test_one_address_written_twice_is_kept_once(client: httpx.AsyncClient) -> None:
    session = await create_session()
    result = await create(client, session, urns=["tel:0788 383 383", "tel:+250788383383"])
    assert result["contact"]["urns"] == [{"identity": "tel:+250788383383", "priority": 1}]


@pytest.mark.parametrize(
    "values",
    [
        {"name": "Bob", "urns": ["tel:12"], "flags": ["Brand New"]},
        {"name": "x" * 129, "flags": ["Brand New"]},
        {"name": "Bob", "language": "xx", "flags": ["Brand New"]},
        {"name": "Bob", "urns": ["tel:0788 383 383"], "flags": ["Brand New", "y" * 65]},
    ],
    ids=["bad-address", "long-name", "bad-language", "long-flag"],
)
async def test_a_refused_create_writes_nothing(
    client: httpx.AsyncClient, values: dict[str, Any]
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["VIP"])
    before = await workspace_snapshot(session.workspace)
    result = await create(client, session, **values)
    assert result["__typename"] == "ValidationError", result
    assert await workspace_snapshot(session.workspace) == before
