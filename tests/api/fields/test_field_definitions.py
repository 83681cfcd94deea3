"""Custom fields through GraphQL (issue 3): definitions, featured order, values, ordering,
type changes, deletion and "where is this field used"."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from models.enums import DateFormat, FieldType, Role
from services.groups import definitions as groups
from tests.conftest import RunWorker
from tests.factories import (
    Session,
    assert_same_statement_count,
    contact_gid,
    create_contact,
    create_session,
    create_workspace,
    data_of,
    define_field,
    error_codes,
    gql,
    workspace_snapshot,
)

FIELD = "key name valueType featured position"
ERROR = "... on UserError { message code field }"

CREATE_FIELD = f"""
mutation($input: CreateFieldInput!) {{
  createField(input: $input) {{
    __typename ... on FieldCreated {{ contactField {{ {FIELD} }} }} {ERROR}
  }}
}}
"""
UPDATE_FIELD = f"""
mutation($key: String!, $input: UpdateFieldInput!) {{
  updateField(key: $key, input: $input) {{
    __typename ... on FieldUpdated {{ contactField {{ {FIELD} }} }} {ERROR}
  }}
}}
"""
REORDER = f"""
mutation($keys: [String!]!) {{
  reorderFeaturedFields(keys: $keys) {{
    __typename ... on FeaturedFieldsReordered {{ fields {{ key position }} }} {ERROR}
  }}
}}
"""
CHANGE_TYPE = f"""
mutation($key: String!, $type: FieldValueType!, $dry: Boolean!) {{
  changeFieldType(key: $key, valueType: $type, dryRun: $dry) {{
    __typename
    ... on FieldTypeChanged {{ converted notConverted dryRun contactField {{ valueType }} }}
    {ERROR}
  }}
}}
"""
DELETE_FIELD = f"""
mutation($key: String!, $ack: Boolean!) {{
  deleteField(key: $key, acknowledgeUsages: $ack) {{
    __typename
    ... on FieldDeleted {{ key valuesRemoved }}
    ... on FieldInUseError {{ usages {{ kind ref name }} }}
    {ERROR}
  }}
}}
"""
REGISTER = f"""
mutation($consumer: ConsumerInput!, $keys: [String!]!) {{
  registerFieldUsages(consumer: $consumer, keys: $keys) {{
    __typename ... on FieldUsagesRegistered {{ consumer {{ kind ref name }} keys }} {ERROR}
  }}
}}
"""
UNREGISTER = """
mutation($consumer: ConsumerInput!) {
  unregisterFieldUsages(consumer: $consumer) {
    ... on FieldUsagesUnregistered { consumer { kind ref name } removed }
  }
}
"""
USAGES = """
query($key: String!) {
  field(key: $key) {
    usages {
      smartGroups { kind name } pendingImports { name } consumers { kind ref name } contactCount
    }
  }
}
"""
CREATE_CONTACT = f"""
mutation($input: CreateContactInput!) {{
  createContact(input: $input) {{
    __typename
    ... on ContactCreated {{ contact {{ id fields {{ field {{ key }} text number datetime }} }} }}
    {ERROR}
  }}
}}
"""
UPDATE_CONTACT = f"""
mutation($id: ID!, $fields: JSON) {{
  updateContact(input: {{id: $id, fields: $fields}}) {{
    __typename
    ... on ContactUpdated {{ contact {{ fields {{ field {{ key }} text number datetime }} }} }}
    {ERROR}
  }}
}}
"""


async def ask(
    client: httpx.AsyncClient, session: Session, query: str, **variables: Any
) -> dict[str, Any]:
    return data_of(await gql(client, session, query, variables))


async def create_field(client: httpx.AsyncClient, session: Session, **input: Any) -> Any:
    return (await ask(client, session, CREATE_FIELD, input=input))["createField"]


async def field_keys(
    client: httpx.AsyncClient, session: Session, featured: bool | None = None
) -> list[tuple[str, int | None]]:
    body = await ask(
        client,
        session,
        "query($f: Boolean) { fields(featured: $f) { key position } }",
        f=featured,
    )
    return [(f["key"], f["position"]) for f in body["fields"]]


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


# --- values ------------------------------------------------------------------------------------


async def test_a_new_field_is_empty_for_every_contact(client: httpx.AsyncClient) -> None:
    session = await create_session()
    ann = await create_contact(session, "Ann")
    await define_field(session, "Plan", featured=True)
    body = await ask(
        client,
        session,
        "query($id: ID!) { contact(id: $id) { fields { text } featuredFields "
        "{ field { key } text number datetime } } }",
        id=contact_gid(ann),
    )
    assert body["contact"] == {
        "fields": [],
        "featuredFields": [
            {"field": {"key": "plan"}, "text": None, "number": None, "datetime": None}
        ],
    }


async def test_values_are_set_by_key_typed_and_cleared_by_null(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    await define_field(session, "Plan")
    await define_field(session, "Joined", FieldType.DATETIME)
    created = await ask(
        client,
        session,
        CREATE_CONTACT,
        input={
            "name": "Ann",
            "fields": {"age": " 41.50 ", "PLAN": "Gold", "joined": "2020-01-27T08:30:00Z"},
        },
    )
    contact = created["createContact"]["contact"]
    assert contact["fields"] == [
        {"field": {"key": "age"}, "text": "41.50", "number": "41.5", "datetime": None},
        {
            "field": {"key": "joined"},
            "text": "2020-01-27T08:30:00Z",
            "number": None,
            "datetime": "2020-01-27T08:30:00+00:00",
        },
        {"field": {"key": "plan"}, "text": "Gold", "number": None, "datetime": None},
    ]
    updated = await ask(
        client, session, UPDATE_CONTACT, id=contact["id"], fields={"age": 42, "plan": None}
    )
    assert updated["updateContact"]["contact"]["fields"] == [
        {"field": {"key": "age"}, "text": "42", "number": "42", "datetime": None},
        contact["fields"][1],
    ]
    # Fields not named are left alone; an empty string clears like null.
    again = await ask(client, session, UPDATE_CONTACT, id=contact["id"], fields={"joined": ""})
    assert again["updateContact"]["contact"]["fields"] == [
        {"field": {"key": "age"}, "text": "42", "number": "42", "datetime": None}
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12abc", '"12abc" is not a number for field Age: '),
        ("1e10", '"1e10" is not a number for field Age: '),
        ("1" * 37, f'"{"1" * 37}" is not a number for field Age: '),
    ],
)
async def test_a_bad_number_is_refused_naming_key_value_and_reason(
    client: httpx.AsyncClient, value: str, message: str
) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    ann = await create_contact(session, "Ann", fields={"age": "30"})
    before = await workspace_snapshot(session.workspace)
    refused = await ask(client, session, UPDATE_CONTACT, id=contact_gid(ann), fields={"age": value})
    result = refused["updateContact"]
    assert (result["__typename"], result["code"], result["field"]) == (
        "ValidationError",
        "INVALID",
        "fields.age",
    )
    assert result["message"].startswith(message)
    assert len(result["message"]) > len(message) + 5, "the reason is missing"
    assert await workspace_snapshot(session.workspace) == before


async def test_36_significant_digits_and_decimals_are_a_number(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await define_field(session, "Amount", FieldType.NUMBER)
    digits = "1" * 30 + "." + "2" * 6
    created = await ask(
        client, session, CREATE_CONTACT, input={"name": "Ann", "fields": {"amount": digits}}
    )
    value = created["createContact"]["contact"]["fields"][0]
    assert (value["text"], value["number"]) == (digits, digits)


async def test_a_bad_date_and_an_unknown_key_are_refused(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await define_field(session, "Joined", FieldType.DATETIME)
    before = await workspace_snapshot(session.workspace)
    bad_date = await ask(
        client, session, CREATE_CONTACT, input={"name": "A", "fields": {"joined": "31-02-2020"}}
    )
    result = bad_date["createContact"]
    assert (result["__typename"], result["code"], result["field"]) == (
        "ValidationError",
        "INVALID",
        "fields.joined",
    )
    assert result["message"].startswith('"31-02-2020" is not a date for field Joined: ')
    unknown = await ask(
        client, session, CREATE_CONTACT, input={"name": "A", "fields": {"nope": "1"}}
    )
    assert unknown["createContact"] == {
        "__typename": "ValidationError",
        "message": 'No field with key "nope".',
        "code": "INVALID",
        "field": "fields.nope",
    }
    assert await workspace_snapshot(session.workspace) == before


@pytest.mark.parametrize(
    ("date_format", "entered", "stored"),
    [
        (DateFormat.DAY_FIRST, "03-04-2021", "2021-04-02T22:00:00+00:00"),
        (DateFormat.MONTH_FIRST, "03-04-2021", "2021-03-03T22:00:00+00:00"),
        (DateFormat.DAY_FIRST, "27/01/2020", "2020-01-26T22:00:00+00:00"),
        (DateFormat.MONTH_FIRST, "01/27/2020", "2020-01-26T22:00:00+00:00"),
        (DateFormat.DAY_FIRST, "2020-01-27", "2020-01-26T22:00:00+00:00"),
        (DateFormat.DAY_FIRST, "2020-01-27T10:00:00+05:00", "2020-01-27T05:00:00+00:00"),
    ],
)
async def test_dates_read_with_the_workspace_format_at_midnight_in_its_timezone(
    client: httpx.AsyncClient, date_format: DateFormat, entered: str, stored: str
) -> None:
    workspace = await create_workspace(timezone="Africa/Kigali", date_format=date_format)
    session = await create_session(workspace)
    await define_field(session, "Joined", FieldType.DATETIME)
    created = await ask(
        client, session, CREATE_CONTACT, input={"name": "A", "fields": {"joined": entered}}
    )
    value = created["createContact"]["contact"]["fields"][0]
    assert (value["text"], value["datetime"]) == (entered, stored)


async def test_month_first_dates_are_refused_in_a_day_first_workspace(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session(await create_workspace(date_format=DateFormat.DAY_FIRST))
    await define_field(session, "Joined", FieldType.DATETIME)
    refused = await ask(
        client, session, CREATE_CONTACT, input={"name": "A", "fields": {"joined": "01-27-2020"}}
    )
    assert refused["createContact"]["field"] == "fields.joined"


async def test_featured_fields_follow_the_featured_order_including_empty_ones(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    for name in ("Plan", "Age", "Town", "Notes Two"):
        await define_field(session, name, featured=name != "Notes Two")
    await ask(client, session, REORDER, keys=["town", "plan", "age"])
    ann = await create_contact(session, "Ann", fields={"plan": "Gold", "notes_two": "x"})
    body = await ask(
        client,
        session,
        "{ contacts { edges { node { fields { field { key } text } "
        "featuredFields { field { key } text } } } } }",
    )
    node = body["contacts"]["edges"][0]["node"]
    assert node["featuredFields"] == [
        {"field": {"key": "town"}, "text": None},
        {"field": {"key": "plan"}, "text": "Gold"},
        {"field": {"key": "age"}, "text": None},
    ]
    assert node["fields"] == [
        {"field": {"key": "plan"}, "text": "Gold"},
        {"field": {"key": "notes_two"}, "text": "x"},
    ]
    assert ann.field_values  # stored under the field's UUID


# --- ordering contacts by a field --------------------------------------------------------------

ORDERED = """
query($key: String!, $d: SortDirection!, $after: String) {
  contacts(order: {fieldKey: $key, direction: $d}, first: 2, after: $after) {
    edges { node { name } } pageInfo { hasNextPage endCursor }
  }
}
"""


async def all_pages(
    client: httpx.AsyncClient, session: Session, key: str, direction: str
) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        page = (await ask(client, session, ORDERED, key=key, d=direction, after=after))["contacts"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("value_type", "values", "ascending"),
    [
        (
            FieldType.TEXT,
            {"A": "pear", "B": None, "C": "Apple", "D": "banana", "E": "apple", "F": None},
            ["C", "E", "D", "A", "B", "F"],
        ),
        (
            FieldType.NUMBER,
            {"A": "10", "B": "-2.5", "C": None, "D": "10", "E": "9.99", "F": "10"},
            ["B", "E", "A", "D", "F", "C"],
        ),
        (
            FieldType.DATETIME,
            {
                "A": "02-01-2020",
                "B": None,
                "C": "2019-12-31T23:59:00+02:00",
                "D": "01-01-2020",
                "E": "02-01-2020",
                "F": None,
            },
            ["C", "D", "A", "E", "B", "F"],
        ),
    ],
    ids=["text", "number", "datetime"],
)
async def test_contacts_order_by_a_field_both_ways_with_empty_last_and_stable_paging(
    client: httpx.AsyncClient,
    value_type: FieldType,
    values: dict[str, str | None],
    ascending: list[str],
) -> None:
    session = await create_session()
    await define_field(session, "Sort Me", value_type, key="sort_me")
    for name, value in values.items():
        await create_contact(session, name, fields={"sort_me": value} if value else {})
    empty = [n for n, v in values.items() if v is None]
    assert await all_pages(client, session, "sort_me", "ASC") == ascending
    valued_desc = [n for n in reversed(ascending) if n not in empty]
    assert await all_pages(client, session, "sort_me", "DESC") == valued_desc + sorted(
        empty, reverse=True
    )


async def test_ordering_by_an_unknown_field_is_an_error(client: httpx.AsyncClient) -> None:
    session = await create_session()
    body = await gql(client, session, ORDERED, {"key": "nope", "d": "ASC"})
    assert error_codes(body) == ["INVALID"]
    assert body["errors"][0]["message"] == 'No field with key "nope" to order by.'


# --- type changes ------------------------------------------------------------------------------


async def test_change_type_dry_run_reports_and_changes_nothing(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await define_field(session, "Score")
    for name, score in [("A", "42"), ("B", "forty"), ("C", "7.5"), ("D", "27-01-2020")]:
        await create_contact(session, name, fields={"score": score})
    await create_contact(session, "E")
    before = await workspace_snapshot(session.workspace)
    dry = await ask(client, session, CHANGE_TYPE, key="score", type="NUMBER", dry=True)
    assert dry["changeFieldType"] == {
        "__typename": "FieldTypeChanged",
        "converted": 2,
        "notConverted": 2,
        "dryRun": True,
        "contactField": {"valueType": "TEXT"},
    }
    to_date = await ask(client, session, CHANGE_TYPE, key="score", type="DATETIME", dry=True)
    assert (
        to_date["changeFieldType"]["converted"],
        to_date["changeFieldType"]["notConverted"],
    ) == (
        1,
        3,
    )
    assert await workspace_snapshot(session.workspace) == before


async def test_change_type_and_back_keeps_what_was_entered(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await define_field(session, "Score", featured=True)
    for name, score in [("A", "42"), ("B", "forty")]:
        await create_contact(session, name, fields={"score": score})
    done = await ask(client, session, CHANGE_TYPE, key="score", type="NUMBER", dry=False)
    assert done["changeFieldType"] == {
        "__typename": "FieldTypeChanged",
        "converted": 1,
        "notConverted": 1,
        "dryRun": False,
        "contactField": {"valueType": "NUMBER"},
    }
    listing = (
        "{ contacts(order: {field: NAME, direction: ASC}) { edges { node { name "
        "featuredFields { text number } } } } }"
    )
    as_numbers = await ask(client, session, listing)
    assert [e["node"]["featuredFields"] for e in as_numbers["contacts"]["edges"]] == [
        [{"text": "42", "number": "42"}],
        [{"text": None, "number": None}],
    ]
    usages = await ask(client, session, USAGES, key="score")
    assert usages["field"]["usages"]["contactCount"] == 1
    # A number field now refuses what is not a number.
    b = await ask(client, session, '{ contacts(filter: {search: "B"}) { edges { node { id } } } }')
    refused = await ask(
        client,
        session,
        UPDATE_CONTACT,
        id=b["contacts"]["edges"][0]["node"]["id"],
        fields={"score": "fifty"},
    )
    assert refused["updateContact"]["field"] == "fields.score"
    back = await ask(client, session, CHANGE_TYPE, key="score", type="TEXT", dry=False)
    assert (back["changeFieldType"]["converted"], back["changeFieldType"]["notConverted"]) == (2, 0)
    as_text = await ask(client, session, listing)
    assert [e["node"]["featuredFields"] for e in as_text["contacts"]["edges"]] == [
        [{"text": "42", "number": None}],
        [{"text": "forty", "number": None}],
    ]


async def test_change_type_of_an_unknown_field_is_not_found(client: httpx.AsyncClient) -> None:
    session = await create_session()
    body = await ask(client, session, CHANGE_TYPE, key="nope", type="NUMBER", dry=False)
    assert body["changeFieldType"] == {
        "__typename": "NotFoundError",
        "message": 'No field with key "nope".',
        "code": "NOT_FOUND",
        "field": "key",
    }


async def test_change_type_is_refused_while_smart_groups_use_the_field(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    await groups.create_group(session.caller, name="Seniors", query="age > 60")
    await groups.create_group(session.caller, name="adults", query="age >= 18 AND name ~ an")
    before = await workspace_snapshot(session.workspace)
    for dry in (True, False):
        refused = await ask(client, session, CHANGE_TYPE, key="age", type="TEXT", dry=dry)
        assert refused["changeFieldType"] == {
            "__typename": "InvalidStateError",
            "message": "Field Age is used by the smart groups adults, Seniors; change their "
            "queries before changing its type.",
            "code": "INVALID_STATE",
            "field": "valueType",
        }
    assert await workspace_snapshot(session.workspace) == before


# --- deletion and usages -----------------------------------------------------------------------


async def test_delete_removes_the_field_and_its_values(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await define_field(session, "Plan", featured=True)
    await define_field(session, "Town")
    ann = await create_contact(session, "Ann", fields={"plan": "Gold", "town": "Huye"})
    await create_contact(session, "Bob", fields={"plan": "Free"})
    await create_contact(session, "Cy")
    deleted = await ask(client, session, DELETE_FIELD, key="plan", ack=False)
    assert deleted["deleteField"] == {
        "__typename": "FieldDeleted",
        "key": "plan",
        "valuesRemoved": 2,
    }
    body = await ask(
        client,
        session,
        "query($id: ID!) { contact(id: $id) { fields { field { key } text } featuredFields "
        "{ text } } fields { key } }",
        id=contact_gid(ann),
    )
    assert body == {
        "contact": {"fields": [{"field": {"key": "town"}, "text": "Huye"}], "featuredFields": []},
        "fields": [{"key": "town"}],
    }
    again = await ask(client, session, DELETE_FIELD, key="plan", ack=False)
    assert again["deleteField"]["__typename"] == "NotFoundError"
    # The key is free again, and the new field starts empty.
    await define_field(session, "Plan")
    assert (await ask(client, session, USAGES, key="plan"))["field"]["usages"]["contactCount"] == 0


async def test_delete_is_refused_while_a_smart_group_uses_the_field_even_acknowledged(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    seniors = await groups.create_group(session.caller, name="Seniors", query="age > 60")
    before = await workspace_snapshot(session.workspace)
    for ack in (False, True):
        refused = await ask(client, session, DELETE_FIELD, key="age", ack=ack)
        assert refused["deleteField"] == {
            "__typename": "FieldInUseError",
            "message": "Field Age is used by the smart groups Seniors; change their queries first.",
            "code": "INVALID_STATE",
            "field": "key",
            "usages": [{"kind": "smart_group", "ref": str(seniors.uuid), "name": "Seniors"}],
        }
    assert await workspace_snapshot(session.workspace) == before


async def test_other_systems_usages_need_acknowledging(client: httpx.AsyncClient) -> None:
    session = await create_session()
    await define_field(session, "Plan")
    for consumer in (
        {"kind": "campaign", "ref": "c-1", "name": "Spring Sale"},
        {"kind": "flow", "ref": "f-9", "name": "Onboarding"},
    ):
        await ask(client, session, REGISTER, consumer=consumer, keys=["plan"])
    before = await workspace_snapshot(session.workspace)
    refused = await ask(client, session, DELETE_FIELD, key="plan", ack=False)
    assert refused["deleteField"] == {
        "__typename": "FieldInUseError",
        "message": "Field Plan is used by campaign Spring Sale, flow Onboarding. Pass "
        "acknowledgeUsages to delete it anyway.",
        "code": "INVALID_STATE",
        "field": "key",
        "usages": [
            {"kind": "campaign", "ref": "c-1", "name": "Spring Sale"},
            {"kind": "flow", "ref": "f-9", "name": "Onboarding"},
        ],
    }
    assert await workspace_snapshot(session.workspace) == before
    done = await ask(client, session, DELETE_FIELD, key="plan", ack=True)
    assert done["deleteField"]["__typename"] == "FieldDeleted"
    after = await workspace_snapshot(session.workspace)
    assert after["usages"] == []


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


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ("42", 'Field values must be an object such as {"age": "42"}.', "fields"),
        ({"age": True}, "The value for field age must be text, a number or null.", "fields.age"),
        ({"age": [1]}, "The value for field age must be text, a number or null.", "fields.age"),
    ],
)
async def test_field_values_must_be_an_object_of_texts_and_numbers(
    client: httpx.AsyncClient, fields: Any, message: str, field: str
) -> None:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    refused = await ask(client, session, CREATE_CONTACT, input={"name": "A", "fields": fields})
    assert refused["createContact"] == {
        "__typename": "ValidationError",
        "message": message,
        "code": "INVALID",
        "field": field,
    }
