"""Field values on contacts through GraphQL (issue 3): typed readings, refusals that name
the field, dates in the workspace's format, featured fields."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from models.enums import DateFormat, FieldType
from tests.api.fields.documents import CREATE_CONTACT, REORDER, UPDATE_CONTACT, ask
from tests.factories import (
    contact_gid,
    create_contact,
    create_session,
    create_workspace,
    define_field,
    workspace_snapshot,
)


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
