"""Reading contacts: `contact` by ID, and `contacts` filtered by status, flags and search."""

from __future__ import annotations

import httpx
import pytest

from models.enums import ContactStatus
from services.contacts import filters as contact_filters
from tests.api.contacts.support import FLAGS, names_matching
from tests.factories import (
    contact_gid,
    create_contact,
    create_session,
    data_of,
    global_id,
    gql,
    set_anonymous,
)


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
