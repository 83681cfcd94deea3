"""Contacts through the GraphQL API: attributes, addresses, flags, queries and changes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.sql import sql
from models.enums import ContactStatus, FieldType
from services.contacts import filters as contact_filters
from services.fields.definitions import create_field
from tests.factories import (
    Session,
    contact_gid,
    create_contact,
    create_session,
    create_workspace,
    data_of,
    global_id,
    gql,
    set_anonymous,
    workspace_snapshot,
)

CONTACT_FIELDS = """
    id name language status company jobTitle country state notes source
    createdOn modifiedOn lastSeenOn
    urns { identity priority }
    flags { name }
"""

CREATE = f"""
mutation($input: CreateContactInput!) {{
  createContact(input: $input) {{
    __typename
    ... on ContactCreated {{ contact {{ {CONTACT_FIELDS} }} }}
    ... on UserError {{ message code field }}
    ... on DuplicateURNError {{ urn existingContactId }}
  }}
}}
"""

UPDATE = f"""
mutation($input: UpdateContactInput!) {{
  updateContact(input: $input) {{
    __typename
    ... on ContactUpdated {{ contact {{ {CONTACT_FIELDS} }} }}
    ... on UserError {{ message code field }}
    ... on DuplicateURNError {{ urn existingContactId }}
  }}
}}
"""

DELETE = """
mutation($id: ID!) {
  deleteContact(id: $id) {
    __typename
    ... on ContactDeleted { deletedId }
    ... on UserError { message code field }
  }
}
"""

CONTACT = f"query($id: ID!) {{ contact(id: $id) {{ {CONTACT_FIELDS} }} }}"

LIST = """
query($filter: ContactFilterInput) {
  contacts(filter: $filter, first: 100) { totalCount edges { node { name } } }
}
"""


async def create(client: httpx.AsyncClient, session: Session, **values: Any) -> dict[str, Any]:
    result: dict[str, Any] = data_of(await gql(client, session, CREATE, {"input": values}))[
        "createContact"
    ]
    return result


async def update(
    client: httpx.AsyncClient, session: Session, contact_id: str, **values: Any
) -> dict[str, Any]:
    result: dict[str, Any] = data_of(
        await gql(client, session, UPDATE, {"input": {"id": contact_id, **values}})
    )["updateContact"]
    return result


async def names_matching(
    client: httpx.AsyncClient, session: Session, **flt: Any
) -> tuple[int, list[str]]:
    conn = data_of(await gql(client, session, LIST, {"filter": flt}))["contacts"]
    return conn["totalCount"], sorted(e["node"]["name"] for e in conn["edges"])


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
    ("field", "value"), [("language", "xx"), ("language", "english"), ("country", "ZZ")]
)
async def test_unknown_language_or_country_code_is_refused(
    client: httpx.AsyncClient, field: str, value: str
) -> None:
    session = await create_session()
    result = await create(client, session, **{field: value})
    assert result["__typename"] == "ValidationError"
    assert (result["code"], result["field"]) == ("INVALID", field)
    assert f'"{value}"' in result["message"]


@pytest.mark.parametrize("status", ["ACTIVE", "ARCHIVED", "BLOCKED", "STOPPED"])
async def test_contact_can_be_created_with_any_status(
    client: httpx.AsyncClient, status: str
) -> None:
    session = await create_session()
    result = await create(client, session, name="Ann", status=status)
    assert result["contact"]["status"] == status


# --- one contact per address ---------------------------------------------------------------


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


# --- flags -------------------------------------------------------------------------------------

FLAGS = "{ flags { id name } }"
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


# --- reading -----------------------------------------------------------------------------------


async def test_contact_and_node_return_the_same_contact(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    body = await gql(
        client,
        session,
        "query($id: ID!) { contact(id: $id) { id name } node(id: $id) { __typename id "
        "... on Contact { name urns { identity } } } }",
        {"id": contact_gid(ann)},
    )
    assert data_of(body) == {
        "contact": {"id": contact_gid(ann), "name": "Ann"},
        "node": {
            "__typename": "Contact",
            "id": contact_gid(ann),
            "name": "Ann",
            "urns": [{"identity": "tel:+250788383383"}],
        },
    }


async def test_contact_with_an_unknown_or_non_contact_id_is_null(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["VIP"])
    flag_id = data_of(await gql(client, session, FLAGS))["flags"][0]["id"]
    missing = global_id("Contact", "00000000-0000-4000-8000-000000000000")
    for contact_id in (missing, flag_id):
        body = await gql(
            client, session, "query($id: ID!) { contact(id: $id) { id } }", {"id": contact_id}
        )
        assert data_of(body) == {"contact": None}


async def test_filter_by_status(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await create_contact(session, "Ann")
    await create_contact(session, "Bob", status=ContactStatus.BLOCKED)
    await create_contact(session, "Cy", status=ContactStatus.STOPPED)
    await create_contact(session, "Di", status=ContactStatus.ARCHIVED)
    assert await names_matching(client, session, status=["BLOCKED", "STOPPED"]) == (
        2,
        ["Bob", "Cy"],
    )
    assert await names_matching(client, session, status=["ACTIVE"]) == (1, ["Ann"])
    assert await names_matching(client, session) == (4, ["Ann", "Bob", "Cy", "Di"])


async def test_filter_by_flags_any_and_all(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await create_contact(session, "Ann", flags=["VIP", "Donor"])
    await create_contact(session, "Bob", flags=["VIP"])
    await create_contact(session, "Cy", flags=["Donor"])
    await create_contact(session, "Di")
    assert await names_matching(client, session, flagsAny=["vip", "DONOR"]) == (
        3,
        ["Ann", "Bob", "Cy"],
    )
    assert await names_matching(client, session, flagsAll=["vip", "Donor"]) == (1, ["Ann"])
    assert await names_matching(client, session, flagsAny=["VIP", "Nope"]) == (2, ["Ann", "Bob"])
    assert await names_matching(client, session, flagsAny=["Nope"]) == (0, [])
    assert await names_matching(client, session, flagsAll=["VIP", "Nope"]) == (0, [])


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("0788", ["Ann"]),
        ("+250788383383", ["Ann"]),
        ("acme", ["Bob"]),
        ("ACME", ["Bob"]),
        ("example.com", ["Cy"]),
        ("kigali", ["Di"]),
        ("ann", ["Ann"]),
        ("zzz", []),
        ("%", []),
    ],
)
@pytest.mark.parametrize("dense", [False, True], ids=["by-id", "row-by-row"])
async def test_search_over_name_phone_email_state_and_company(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    term: str,
    expected: list[str],
    dense: bool,
) -> None:
    if dense:  # every term counts as frequent: tested along the ordered scan
        monkeypatch.setattr(contact_filters, "DENSE_SEARCH", -1)
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    await create_contact(session, "Bob", company="Acme Ltd")
    await create_contact(session, "Cy", urns=["mailto:cy@example.com"])
    await create_contact(session, "Di", state="Kigali")
    assert await names_matching(client, session, search=term) == (len(expected), expected)


@pytest.mark.parametrize("dense", [False, True], ids=["by-id", "row-by-row"])
async def test_search_never_reads_addresses_in_an_anonymous_workspace(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, dense: bool
) -> None:
    if dense:
        monkeypatch.setattr(contact_filters, "DENSE_SEARCH", -1)
    session = await create_session()
    await create_contact(session, "Zed", urns=["tel:0788 383 383", "mailto:zed@secret.org"])
    await create_contact(session, "Secretary Ann", urns=["tel:0788 383 384"])
    await set_anonymous(session.workspace)
    assert await names_matching(client, session, search="0788383") == (0, [])
    assert await names_matching(client, session, search="zed@secret.org") == (0, [])
    assert await names_matching(client, session, search="secret") == (1, ["Secretary Ann"])
    assert await names_matching(client, session, search="zed") == (1, ["Zed"])
    await set_anonymous(session.workspace, False)
    assert await names_matching(client, session, search="secret") == (
        2,
        ["Secretary Ann", "Zed"],
    )


async def test_filters_combine(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await create_contact(session, "Ann", company="Acme", flags=["VIP"])
    await create_contact(
        session, "Bob", company="Acme", flags=["VIP"], status=ContactStatus.BLOCKED
    )
    await create_contact(session, "Cy", company="Acme")
    assert await names_matching(
        client, session, search="acme", flagsAny=["VIP"], status=["ACTIVE"]
    ) == (1, ["Ann"])


# --- changing ----------------------------------------------------------------------------------


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


async def test_update_of_an_unknown_contact_is_not_found(client: httpx.AsyncClient) -> None:
    session = await create_session()
    missing = global_id("Contact", "00000000-0000-4000-8000-000000000000")
    assert await update(client, session, missing, name="X") == {
        "__typename": "NotFoundError",
        "message": "No such contact.",
        "code": "NOT_FOUND",
        "field": "id",
    }


async def test_delete_contact_refuses_a_contact_that_is_not_archived(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    result = data_of(await gql(client, session, DELETE, {"id": contact_gid(ann)}))
    assert result["deleteContact"] == {
        "__typename": "InvalidStateError",
        "message": "Only archived contacts can be deleted; archive this contact first.",
        "code": "INVALID_STATE",
        "field": "id",
    }
    assert data_of(await gql(client, session, CONTACT, {"id": contact_gid(ann)}))["contact"]


async def test_delete_contact_deletes_an_archived_contact(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    assert (await update(client, session, contact_gid(ann), status="ARCHIVED"))["contact"][
        "status"
    ] == "ARCHIVED"
    result = data_of(await gql(client, session, DELETE, {"id": contact_gid(ann)}))
    assert result["deleteContact"] == {
        "__typename": "ContactDeleted",
        "deletedId": contact_gid(ann),
    }
    assert data_of(await gql(client, session, CONTACT, {"id": contact_gid(ann)})) == {
        "contact": None
    }
    again = data_of(await gql(client, session, DELETE, {"id": contact_gid(ann)}))
    assert again["deleteContact"]["__typename"] == "NotFoundError"
    # The address is free again.
    assert (await create(client, session, urns=["tel:0788 383 383"]))["__typename"] == (
        "ContactCreated"
    )
