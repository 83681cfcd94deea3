"""changeFieldType (issue 3): dry runs, round trips that keep what was entered, refusals."""

from __future__ import annotations

import httpx

from models.enums import FieldType
from services.groups import definitions as groups
from tests.api.fields.documents import CHANGE_TYPE, UPDATE_CONTACT, USAGES, ask
from tests.factories import create_contact, create_session, define_field, workspace_snapshot


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
