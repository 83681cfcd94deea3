"""Field definitions through GraphQL (issue 3): keys and names, the featured order, and
the permission to manage fields."""

from __future__ import annotations

import httpx
import pytest

from models.enums import FieldType, Role
from tests.api.fields.documents import (
    CREATE_CONTACT,
    REORDER,
    UPDATE_FIELD,
    ask,
    create_field,
    field_keys,
)
from tests.factories import (
    create_session,
    create_workspace,
    define_field,
    error_codes,
    gql,
    workspace_snapshot,
)

# --- keys and names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Registration Date", "registration_date"),
        ("Home - District", "home_district"),
        ("Plan 2 B", "plan_2_b"),
        ("A" * 36, "a" * 36),
    ],
)
async def test_key_is_derived_from_the_name(client: httpx.AsyncClient, name: str, key: str) -> None:
    session = await create_session()
    created = await create_field(client, session, name=name)
    assert created == {
        "__typename": "FieldCreated",
        "contactField": {
            "key": key,
            "name": name,
            "valueType": "TEXT",
            "featured": False,
            "position": None,
        },
    }


async def test_a_given_key_is_kept(client: httpx.AsyncClient) -> None:
    session = await create_session()
    created = await create_field(client, session, name="Age", key="age_in_years_2")
    assert created["contactField"]["key"] == "age_in_years_2"


@pytest.mark.parametrize(
    "key",
    ["2nd_visit", "_age", "home-town", "home town", "age!", "âge", "a" * 37],
)
async def test_malformed_keys_are_refused(client: httpx.AsyncClient, key: str) -> None:
    session = await create_session()
    before = await workspace_snapshot(session.workspace)
    refused = await create_field(client, session, name="Some Field", key=key)
    assert (refused["__typename"], refused["code"], refused["field"]) == (
        "ValidationError",
        "INVALID",
        "key",
    )
    assert key in refused["message"]
    assert await workspace_snapshot(session.workspace) == before


async def test_a_key_derived_from_a_name_starting_with_a_digit_is_refused(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    refused = await create_field(client, session, name="2nd Visit")
    assert refused == {
        "__typename": "ValidationError",
        "message": 'Key "2nd_visit" must start with a lowercase letter and contain only '
        "lowercase letters, digits and underscores.",
        "code": "INVALID",
        "field": "key",
    }


async def test_a_key_of_37_characters_is_refused_naming_the_limit(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    refused = await create_field(client, session, name="Long", key="k" * 37)
    assert refused == {
        "__typename": "ValidationError",
        "message": f'Key "{"k" * 37}" is longer than 36 characters.',
        "code": "INVALID",
        "field": "key",
    }


RESERVED = [
    "id", "uuid", "name", "language", "status", "created_on", "modified_on", "last_seen_on",
    "urn", "urns", "tel", "mailto", "group", "groups", "flag", "flags", "fields", "has", "is",
    "company", "job_title", "whatsapp", "telegram", "ext", "facebook", "instagram", "viber",
    "line", "twitter",
]  # fmt: skip


@pytest.mark.parametrize("key", RESERVED)
async def test_every_reserved_key_is_refused(client: httpx.AsyncClient, key: str) -> None:
    session = await create_session()
    refused = await create_field(client, session, name="Anything", key=key)
    assert refused == {
        "__typename": "ValidationError",
        "message": f'"{key}" is a built-in contact attribute or query word; choose another key.',
        "code": "INVALID",
        "field": "key",
    }
    # The same key derived from a name is refused the same way.
    derived = await create_field(client, session, name=key.replace("_", " ").title())
    assert (derived["__typename"], derived["field"]) == ("ValidationError", "key")
    assert await field_keys(client, session) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Age?", '"Age?" may only contain letters, digits, spaces and hyphens.'),
        ("Plan_Code", '"Plan_Code" may only contain letters, digits, spaces and hyphens.'),
        ("N" * 37, f'"{"N" * 37}" is 37 characters long; field names take at most 36.'),
        ("   ", "A field needs a name."),
    ],
)
async def test_bad_names_are_refused(client: httpx.AsyncClient, name: str, message: str) -> None:
    session = await create_session()
    refused = await create_field(client, session, name=name, key="some_key")
    assert refused == {
        "__typename": "ValidationError",
        "message": message,
        "code": "INVALID",
        "field": "name",
    }


async def test_names_are_unique_ignoring_case_and_keys_are_unique(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await create_field(client, session, name="Home District")
    same_name = await create_field(client, session, name="HOME district", key="district_2")
    assert same_name == {
        "__typename": "DuplicateNameError",
        "message": 'A field named "HOME district" already exists (key "home_district").',
        "code": "DUPLICATE_NAME",
        "field": "name",
    }
    same_key = await create_field(client, session, name="Other", key="home_district")
    assert same_key == {
        "__typename": "DuplicateNameError",
        "message": 'A field with key "home_district" already exists.',
        "code": "DUPLICATE_NAME",
        "field": "key",
    }
    renamed = await ask(
        client, session, UPDATE_FIELD, key="home_district", input={"name": "Home DISTRICT"}
    )
    assert renamed["updateField"]["contactField"]["name"] == "Home DISTRICT"
    await create_field(client, session, name="Town")
    clash = await ask(client, session, UPDATE_FIELD, key="town", input={"name": "home district"})
    assert clash["updateField"]["__typename"] == "DuplicateNameError"
    assert clash["updateField"]["field"] == "name"


async def test_the_same_name_is_fine_in_another_workspace(client: httpx.AsyncClient) -> None:
    mine = await create_session(await create_workspace("Mine"))
    theirs = await create_session(await create_workspace("Theirs"))
    await create_field(client, theirs, name="Age")
    created = await create_field(client, mine, name="age")
    assert created["contactField"]["key"] == "age"


async def test_update_of_an_unknown_field_is_not_found(client: httpx.AsyncClient) -> None:
    session = await create_session()
    body = await ask(client, session, UPDATE_FIELD, key="nope", input={"name": "X"})
    assert body["updateField"] == {
        "__typename": "NotFoundError",
        "message": 'No field with key "nope".',
        "code": "NOT_FOUND",
        "field": "key",
    }


# --- featured fields ---------------------------------------------------------------------------


async def test_newly_featured_fields_go_last(client: httpx.AsyncClient) -> None:
    session = await create_session()
    for name in ("Zone", "Age", "Plan", "Mood"):
        await create_field(client, session, name=name)
    await create_field(client, session, name="Bio", featured=True)
    for key in ("zone", "plan", "age"):
        await ask(client, session, UPDATE_FIELD, key=key, input={"featured": True})
    assert await field_keys(client, session, featured=True) == [
        ("bio", 1),
        ("zone", 2),
        ("plan", 3),
        ("age", 4),
    ]
    # Unfeaturing and featuring again puts a field at the end.
    await ask(client, session, UPDATE_FIELD, key="zone", input={"featured": False})
    await ask(client, session, UPDATE_FIELD, key="zone", input={"featured": True})
    keys = [k for k, _ in await field_keys(client, session, featured=True)]
    assert keys == ["bio", "plan", "age", "zone"]


async def test_fields_list_featured_by_position_then_the_others_by_name(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    for name in ("zeta", "Alpha", "mid", "Beta", "omega"):
        await create_field(client, session, name=name)
    await ask(client, session, REORDER, keys=["omega", "alpha"])
    assert await field_keys(client, session) == [
        ("omega", 1),
        ("alpha", 2),
        ("beta", None),
        ("mid", None),
        ("zeta", None),
    ]
    assert await field_keys(client, session, featured=True) == [("omega", 1), ("alpha", 2)]
    assert await field_keys(client, session, featured=False) == [
        ("beta", None),
        ("mid", None),
        ("zeta", None),
    ]


async def test_reorder_sets_the_order_and_unfeatures_those_left_out(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    for name in ("A1", "B1", "C1", "D1"):
        await create_field(client, session, name=name, featured=True)
    result = await ask(client, session, REORDER, keys=["c1", "A1", "d1"])
    assert result["reorderFeaturedFields"] == {
        "__typename": "FeaturedFieldsReordered",
        "fields": [
            {"key": "c1", "position": 1},
            {"key": "a1", "position": 2},
            {"key": "d1", "position": 3},
        ],
    }
    listing = await ask(client, session, "{ fields { key featured position } }")
    assert listing["fields"] == [
        {"key": "c1", "featured": True, "position": 1},
        {"key": "a1", "featured": True, "position": 2},
        {"key": "d1", "featured": True, "position": 3},
        {"key": "b1", "featured": False, "position": None},
    ]
    # A field newly featured after a reorder still goes last.
    await ask(client, session, UPDATE_FIELD, key="b1", input={"featured": True})
    assert [k for k, _ in await field_keys(client, session, featured=True)] == [
        "c1",
        "a1",
        "d1",
        "b1",
    ]
    emptied = await ask(client, session, REORDER, keys=[])
    assert emptied["reorderFeaturedFields"]["fields"] == []
    assert await field_keys(client, session, featured=True) == []


async def test_reorder_refuses_unknown_and_repeated_keys_changing_nothing(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    for name in ("A1", "B1"):
        await create_field(client, session, name=name, featured=True)
    before = await workspace_snapshot(session.workspace)
    unknown = await ask(client, session, REORDER, keys=["b1", "nope"])
    assert unknown["reorderFeaturedFields"] == {
        "__typename": "NotFoundError",
        "message": 'No field with key "nope".',
        "code": "NOT_FOUND",
        "field": "keys",
    }
    repeated = await ask(client, session, REORDER, keys=["b1", "a1", "B1"])
    assert repeated["reorderFeaturedFields"] == {
        "__typename": "ValidationError",
        "message": 'Key "b1" appears more than once.',
        "code": "INVALID",
        "field": "keys",
    }
    assert await workspace_snapshot(session.workspace) == before


# --- permission ----------------------------------------------------------------------------


FIELD_MUTATIONS = {
    "createField": ('mutation { createField(input: {name: "Town"}) { __typename } }', {}),
    "updateField": (
        'mutation { updateField(key: "age", input: {featured: true}) { __typename } }',
        {},
    ),
    "reorderFeaturedFields": (
        'mutation { reorderFeaturedFields(keys: ["age"]) { __typename } }',
        {},
    ),
    "changeFieldType": (
        'mutation { changeFieldType(key: "age", valueType: TEXT) { __typename } }',
        {},
    ),
    "deleteField": ('mutation { deleteField(key: "age") { __typename } }', {}),
}


@pytest.mark.parametrize("mutation", sorted(FIELD_MUTATIONS))
async def test_without_manage_fields_field_definitions_are_forbidden(
    client: httpx.AsyncClient, mutation: str
) -> None:
    admin = await create_session()
    editor = await create_session(admin.workspace, role=Role.EDITOR, name="Ed")
    await define_field(admin, "Age", FieldType.NUMBER)
    switched = await ask(
        client,
        admin,
        "mutation($id: ID!) { setMemberPermissions(memberId: $id, disabled: [MANAGE_FIELDS]) "
        "{ __typename } }",
        id=str(editor.caller.member.uuid),
    )
    assert switched["setMemberPermissions"]["__typename"] == "MemberPermissionsChanged"
    before = await workspace_snapshot(admin.workspace)
    query, variables = FIELD_MUTATIONS[mutation]
    body = await gql(client, editor, query, variables)
    assert error_codes(body) == ["FORBIDDEN"], body
    assert [e["message"] for e in body["errors"]] == [
        "Your permission to manage fields has been switched off by an admin."
    ]
    assert await workspace_snapshot(admin.workspace) == before
    # Setting values is editing contacts, not managing fields: still allowed.
    created = await ask(
        client, editor, CREATE_CONTACT, input={"name": "Val", "fields": {"age": "3"}}
    )
    assert created["createContact"]["__typename"] == "ContactCreated"
