"""deleteField (issue 3): values go with the field; usages refuse or need acknowledging."""

from __future__ import annotations

import httpx

from models.enums import FieldType
from services.groups import definitions as groups
from tests.api.fields.documents import DELETE_FIELD, REGISTER, USAGES, ask
from tests.factories import (
    contact_gid,
    create_contact,
    create_session,
    define_field,
    workspace_snapshot,
)


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
