"""The contact query language through GraphQL (issue 4): `parseContactQuery`, each error code,
and `contacts(filter: {query})` combined with the other filters and orderings."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from models.enums import ContactStatus, DateFormat, FieldType
from services.groups import definitions as groups
from services.groups import members as group_members
from tests.factories import (
    Session,
    create_contact,
    create_session,
    create_workspace,
    data_of,
    define_field,
    define_field_with_reserved_key,
    error_codes,
    gql,
    set_anonymous,
)

PARSE = """
query($text: String!) {
  parseContactQuery(text: $text) {
    __typename
    ... on ParsedContactQuery { canonical fieldKeys groups allowsSmartGroup }
    ... on QueryError { message code field queryCode extra }
  }
}
"""
CONTACTS = """
query($filter: ContactFilterInput, $order: ContactOrderInput, $first: Int, $after: String) {
  contacts(filter: $filter, order: $order, first: $first, after: $after) {
    totalCount edges { node { name } } pageInfo { hasNextPage endCursor }
  }
}
"""


async def parse(client: httpx.AsyncClient, session: Session, text: str) -> dict[str, Any]:
    result: dict[str, Any] = data_of(await gql(client, session, PARSE, {"text": text}))[
        "parseContactQuery"
    ]
    return result


async def names(
    client: httpx.AsyncClient,
    session: Session,
    filter: dict[str, Any],
    order: dict[str, Any] | None = None,
) -> list[str]:
    body = data_of(
        await gql(
            client,
            session,
            CONTACTS,
            {"filter": filter, "order": order or {"field": "NAME", "direction": "ASC"}},
        )
    )
    found = [e["node"]["name"] for e in body["contacts"]["edges"]]
    assert body["contacts"]["totalCount"] == len(found)
    return found


@pytest.fixture
async def workspace() -> Session:
    """Fields age (number), dob (datetime), city (text) and a..d (number); a group and a flag."""
    session = await create_session(await create_workspace(date_format=DateFormat.DAY_FIRST))
    await define_field(session, "Age", FieldType.NUMBER)
    await define_field(session, "DOB", FieldType.DATETIME)
    await define_field(session, "City")
    for key in "abcdxyz":
        await define_field(session, key.upper(), FieldType.NUMBER)
    await groups.create_group(session.caller, name="VIP List")
    await create_contact(session, "Flagged", flags=["Gold"])
    return session


# --- canonical form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical", "keys", "group_names", "smart"),
    [
        ('Age > "18"', "fields.age > 18", ["age"], [], True),
        ("name=will", 'name = "will"', [], [], True),
        ("DOB >= 27-01-2020", 'fields.dob >= "27-01-2020"', ["dob"], [], True),
        (
            "a = 1 and b = 2 or c = 3 d = 4",
            "(fields.a = 1 AND fields.b = 2) OR (fields.c = 3 AND fields.d = 4)",
            ["a", "b", "c", "d"],
            [],
            True,
        ),
        (
            "x = 1 OR y = 2 AND z = 3",
            "fields.x = 1 OR (fields.y = 2 AND fields.z = 3)",
            ["x", "y", "z"],
            [],
            True,
        ),
        (
            "(a = 1 AND b = 2) AND c = 3",
            "fields.a = 1 AND fields.b = 2 AND fields.c = 3",
            ["a", "b", "c"],
            [],
            True,
        ),
        ("((age is 5))", "fields.age = 5", ["age"], [], True),
        (
            'group = "vip list" and FLAG = gold and city != ""',
            'group = "VIP List" AND flag = "Gold" AND fields.city != ""',
            ["city"],
            ["VIP List"],
            False,
        ),
        ('city = "say \\"hi\\""', 'fields.city = "say \\"hi\\""', ["city"], [], True),
        ("fields.age < -1.50", 'fields.age < "-1.50"', ["age"], [], True),
        ("urns.tel ~ 0788", "urns.tel ~ 0788", [], [], True),
        ("status = ARCHIVED", 'status = "archived"', [], [], False),
        ("will", 'name ~ "will"', [], [], True),
        ("0788 383 383", 'urns.tel = "+250788383383"', [], [], True),
    ],
)
async def test_parse_returns_the_canonical_query_its_fields_and_groups(
    client: httpx.AsyncClient,
    workspace: Session,
    text: str,
    canonical: str,
    keys: list[str],
    group_names: list[str],
    smart: bool,
) -> None:
    result = await parse(client, workspace, text)
    assert result == {
        "__typename": "ParsedContactQuery",
        "canonical": canonical,
        "fieldKeys": keys,
        "groups": group_names,
        "allowsSmartGroup": smart,
    }
    # The canonical form reads back as itself.
    again = await parse(client, workspace, canonical)
    assert again["canonical"] == canonical


# --- every error code --------------------------------------------------------------------------

DEEP = "(" * 101 + "age = 1" + ")" * 101
MANY = " OR ".join(f"age = {i}" for i in range(251))


@pytest.mark.parametrize(
    ("text", "code", "extra", "message"),
    [
        (
            "age > (",
            "syntax",
            {"position": "6", "token": "("},
            "A value must follow '>' (position 4): found '(' at position 6.",
        ),
        (
            "nope = x",
            "unknown_property",
            {"property": "nope"},
            "nope is not a contact attribute, address scheme or field of this workspace.",
        ),
        (
            "fields.nope = x",
            "unknown_property",
            {"property": "fields.nope"},
            "fields.nope is not a contact attribute, address scheme or field of this workspace.",
        ),
        (
            "contact.name = x",
            "unknown_property_type",
            {"type": "contact"},
            "'contact.' is not a property prefix: use fields. or urns.",
        ),
        (
            "City HAS kig",
            "unsupported_contains",
            {"property": "city"},
            "~ (contains) works with name and addresses only; it can't be used with city.",
        ),
        (
            "city > 5",
            "unsupported_comparison",
            {"property": "city", "operator": ">"},
            "> works with numbers and dates only; it can't be used with city.",
        ),
        (
            'created_on = ""',
            "unsupported_setcheck",
            {"property": "created_on", "operator": "="},
            'Every contact has a value for created_on, so it can\'t be compared with "".',
        ),
        (
            "name ~ a",
            "invalid_partial_name",
            {"property": "name", "value": "a", "minimum": "2"},
            'Searching name with ~ needs a word of at least 2 characters; "a" has none.',
        ),
        (
            "tel ~ 12",
            "invalid_partial_urn",
            {"property": "tel", "value": "12", "minimum": "3"},
            'Searching tel with ~ needs at least 3 characters; "12" has 2.',
        ),
        (
            "age = 1e10",
            "invalid_number",
            {"property": "age", "value": "1e10"},
            'age: "1e10" uses scientific notation: write the number out in full',
        ),
        (
            "dob = 31-02-2020",
            "invalid_date",
            {"property": "dob", "value": "31-02-2020"},
            None,
        ),
        (
            "status = gone",
            "invalid_status",
            {"property": "status", "value": "gone"},
            'status: "gone" is not a contact status: use one of active, archived, blocked, stopped',
        ),
        (
            "language = xx",
            "invalid_language",
            {"property": "language", "value": "xx"},
            'language: "xx" is not a language: give its ISO 639-3 code such as eng or fra, its '
            "two-letter code such as en, or its English name",
        ),
        (
            "group = Nope",
            "invalid_group",
            {"property": "group", "value": "Nope"},
            'group: "Nope" is not the name of a group in this workspace',
        ),
        (
            "flag = Silver",
            "invalid_flag",
            {"property": "flag", "value": "Silver"},
            'flag: "Silver" is not the name of a flag in this workspace',
        ),
        (
            "x" * 10_001,
            "too_complex",
            {"reason": "length", "limit": "10000"},
            "The query is longer than 10,000 characters.",
        ),
        (
            DEEP,
            "too_complex",
            {"reason": "depth", "limit": "100"},
            "The query nests parentheses more than 100 deep.",
        ),
        (
            MANY,
            "too_complex",
            {"reason": "conditions", "limit": "250"},
            "The query has more than 250 conditions.",
        ),
    ],
    ids=lambda v: v[:24] if isinstance(v, str) else None,
)
async def test_each_error_has_its_code_message_and_extra(
    client: httpx.AsyncClient,
    workspace: Session,
    text: str,
    code: str,
    extra: dict[str, str],
    message: str | None,
) -> None:
    result = await parse(client, workspace, text)
    assert (result["__typename"], result["code"], result["field"]) == (
        "QueryError",
        "INVALID",
        "query",
    )
    assert (result["queryCode"], result["extra"]) == (code, extra)
    if message is not None:
        assert result["message"] == message
    else:
        assert result["message"].startswith(f'{extra["property"]}: "{extra["value"]}" is not a')


async def test_the_deepest_and_largest_allowed_queries_are_read(
    client: httpx.AsyncClient, workspace: Session
) -> None:
    deep = await parse(client, workspace, "(" * 100 + "age = 1" + ")" * 100)
    assert deep["canonical"] == "fields.age = 1"
    many = await parse(client, workspace, " OR ".join(f"age = {i}" for i in range(250)))
    assert many["__typename"] == "ParsedContactQuery"


@pytest.mark.parametrize(
    "text", ["tel ~ 0788", "urn = \"tel:+250788383383\"", "mailto = ann@example.com"]
)  # fmt: skip
async def test_an_anonymous_workspace_refuses_address_conditions(
    client: httpx.AsyncClient, text: str
) -> None:
    session = await create_session()
    await set_anonymous(session.workspace)
    result = await parse(client, session, text)
    assert (result["__typename"], result["queryCode"]) == ("QueryError", "redacted_urns")
    assert "hides addresses" in result["message"]


@pytest.mark.parametrize("text", ["tel:+250788383383", "0788 383 383", "twitter:bobby"])
async def test_an_anonymous_workspace_searches_names_for_text_that_looks_like_an_address(
    client: httpx.AsyncClient, text: str
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:0788 383 383", "twitter:bobby"])
    await create_contact(session, text)  # a name that happens to look like an address
    await set_anonymous(session.workspace)
    parsed = await parse(client, session, text)
    assert parsed["__typename"] == "ParsedContactQuery", parsed
    assert parsed["canonical"].startswith("name ")
    assert await names(client, session, {"query": text}) == [text]


async def test_an_anonymous_workspace_may_check_for_having_an_address(
    client: httpx.AsyncClient,
) -> None:
    session = await create_session()
    await create_contact(session, "Ann", urns=["tel:0788 383 383"])
    await create_contact(session, "Bob")
    await set_anonymous(session.workspace)
    assert await parse(client, session, 'tel != ""') == {
        "__typename": "ParsedContactQuery",
        "canonical": 'urns.tel != ""',
        "fieldKeys": [],
        "groups": [],
        "allowsSmartGroup": True,
    }
    assert await names(client, session, {"query": 'tel != ""'}) == ["Ann"]
    assert await names(client, session, {"query": 'urn = ""'}) == ["Bob"]
    refused = await gql(client, session, CONTACTS, {"filter": {"query": "tel ~ 0788"}})
    assert refused["errors"][0]["extensions"]["queryError"]["code"] == "redacted_urns"


# --- contacts filtered by a query --------------------------------------------------------------


@pytest.fixture
async def people() -> Session:
    session = await create_session()
    await define_field(session, "Age", FieldType.NUMBER)
    await define_field(session, "Joined", FieldType.DATETIME)
    rows = [
        ("Ann Smith", "30", "27-01-2020", ContactStatus.ACTIVE, ["VIP"], ["tel:0788 111 111"]),
        ("Anna Bell", "45", "28-01-2020", ContactStatus.ACTIVE, ["VIP", "Gold"], []),
        ("Bob Stone", "50", None, ContactStatus.ACTIVE, ["Gold"], ["mailto:bob@example.com"]),
        ("Cy Annan", "61", "26-01-2020", ContactStatus.ARCHIVED, ["VIP"], []),
        ("Di Moss", None, "27-01-2020", ContactStatus.BLOCKED, [], ["tel:0788 222 222"]),
    ]
    for name, age, joined, status, flags, urns in rows:
        values = {k: v for k, v in (("age", age), ("joined", joined)) if v is not None}
        await create_contact(session, name, status=status, flags=flags, urns=urns, fields=values)
    return session


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("age > 40", ["Anna Bell", "Bob Stone", "Cy Annan"]),
        ('age = ""', ["Di Moss"]),
        ('age != ""', ["Ann Smith", "Anna Bell", "Bob Stone", "Cy Annan"]),
        ("age != 30", ["Anna Bell", "Bob Stone", "Cy Annan", "Di Moss"]),
        ("ann", ["Ann Smith", "Anna Bell", "Cy Annan"]),
        ("name ~ annab", []),
        ("joined = 27-01-2020", ["Ann Smith", "Di Moss"]),
        ("joined > 27-01-2020", ["Anna Bell"]),
        ("joined <= 27-01-2020", ["Ann Smith", "Cy Annan", "Di Moss"]),
        ("flag = vip AND flag = gold", ["Anna Bell"]),
        (
            "flag = vip OR age >= 50 AND age < 60",
            ["Ann Smith", "Anna Bell", "Bob Stone", "Cy Annan"],
        ),
        ("tel ~ 222", ["Di Moss"]),
        ('mailto != ""', ["Bob Stone"]),
        ("status = archived", ["Cy Annan"]),
        ("0788 111 111", ["Ann Smith"]),
    ],
)
async def test_contacts_filter_by_a_query(
    client: httpx.AsyncClient, people: Session, query: str, expected: list[str]
) -> None:
    assert await names(client, people, {"query": query}) == expected


async def test_a_query_combines_with_status_flags_and_search_filters(
    client: httpx.AsyncClient, people: Session
) -> None:
    assert await names(client, people, {"query": "age > 40", "status": ["ACTIVE"]}) == [
        "Anna Bell",
        "Bob Stone",
    ]
    assert await names(client, people, {"query": "age > 40", "flagsAny": ["vip"]}) == [
        "Anna Bell",
        "Cy Annan",
    ]
    assert await names(client, people, {"query": 'joined != ""', "flagsAll": ["VIP", "gold"]}) == [
        "Anna Bell"
    ]
    assert await names(client, people, {"query": "age > 40", "search": "stone"}) == ["Bob Stone"]
    assert await names(client, people, {"query": "   "}) == [
        "Ann Smith",
        "Anna Bell",
        "Bob Stone",
        "Cy Annan",
        "Di Moss",
    ]


async def test_a_filtered_list_orders_and_pages_by_a_field(
    client: httpx.AsyncClient, people: Session
) -> None:
    seen: list[str] = []
    after = None
    while True:
        body = data_of(
            await gql(
                client,
                people,
                CONTACTS,
                {
                    "filter": {"query": "name ~ an OR name ~ bob", "status": ["ACTIVE"]},
                    "order": {"fieldKey": "age", "direction": "DESC"},
                    "first": 1,
                    "after": after,
                },
            )
        )["contacts"]
        assert body["totalCount"] == 3
        seen += [e["node"]["name"] for e in body["edges"]]
        if not body["pageInfo"]["hasNextPage"]:
            break
        after = body["pageInfo"]["endCursor"]
    assert seen == ["Bob Stone", "Anna Bell", "Ann Smith"]


async def test_an_invalid_query_in_contacts_is_a_top_level_error(
    client: httpx.AsyncClient, people: Session
) -> None:
    body = await gql(client, people, CONTACTS, {"filter": {"query": "age ~ 5"}})
    assert body["data"] is None
    assert error_codes(body) == ["INVALID"]
    error = body["errors"][0]
    assert error["message"] == (
        "~ (contains) works with name and addresses only; it can't be used with age."
    )
    assert error["extensions"] == {
        "code": "INVALID",
        "field": "query",
        "queryError": {"code": "unsupported_contains", "extra": {"property": "age"}},
    }
    unknown = await gql(client, people, CONTACTS, {"filter": {"query": "group = Nobody"}})
    assert unknown["errors"][0]["extensions"]["queryError"] == {
        "code": "invalid_group",
        "extra": {"property": "group", "value": "Nobody"},
    }


# --- a US workspace in New York that writes dates month-first ----------------------------------


@pytest.fixture
async def americans() -> Session:
    """`twitter` is both a field key (from before scheme names were reserved) and an address
    scheme: the scheme wins unless `fields.`."""
    session = await create_session(
        await create_workspace(
            country="US", timezone="America/New_York", date_format=DateFormat.MONTH_FIRST
        )
    )
    await define_field(session, "Joined", FieldType.DATETIME)
    await define_field_with_reserved_key(session, "Twitter")
    testers = await groups.create_group(session.caller, name="Testers")
    ann = await create_contact(
        session,
        "Ann Smith",
        urns=["tel:(202) 555-0143", "mailto:ann@example.com", "twitter:annsmith"],
        language="eng",
        company="Acme",
        fields={"joined": "01-27-2020 23:30", "twitter": "@ann"},
    )
    await create_contact(
        session,
        "J",
        urns=["tel:202-555-0199"],
        fields={"joined": "01-28-2020 00:30", "twitter": "annsmith"},
    )
    await create_contact(session, "Bob", fields={"joined": "01-26-2020 23:59"})
    await group_members.add_contacts(session.caller, testers.uuid, [ann.uuid])
    return session


@pytest.mark.parametrize(
    ("query", "canonical", "expected"),
    [
        ("0143", "urns.tel ~ 0143", ["Ann Smith"]),
        ("j", 'name = "j"', ["J"]),
        ("tel:+12025550143", 'urns.tel = "+12025550143"', ["Ann Smith"]),
        ("mailto:ANN@example.com", 'urns.mailto = "ann@example.com"', ["Ann Smith"]),
        ("(202) 555-0143", 'urns.tel = "+12025550143"', ["Ann Smith"]),
        ("202.555.0143", 'urns.tel = "+12025550143"', ["Ann Smith"]),
        ("2025550199", 'urns.tel = "+12025550199"', ["J"]),
        ("Twitter = annsmith", 'urns.twitter = "annsmith"', ["Ann Smith"]),
        ("TWITTER ~ smith", 'urns.twitter ~ "smith"', ["Ann Smith"]),
        ("Fields.Twitter = ANNSMITH", 'fields.twitter = "ANNSMITH"', ["J"]),
        ('name = "  ann SMITH "', 'name = "ann SMITH"', ["Ann Smith"]),
        ("company = ACME", 'company = "ACME"', ["Ann Smith"]),
        ("company != acme", 'company != "acme"', ["Bob", "J"]),
        ("language = ENG", 'language = "eng"', ["Ann Smith"]),
        ("language != eng", 'language != "eng"', ["Bob", "J"]),
        ("group = TESTERS", 'group = "Testers"', ["Ann Smith"]),
        ("group != testers", 'group != "Testers"', ["Bob", "J"]),
        ('group = ""', 'group = ""', ["Bob", "J"]),
        ("joined = 1/27/2020", 'fields.joined = "01-27-2020"', ["Ann Smith"]),
        ("joined != 01-27-2020", 'fields.joined != "01-27-2020"', ["Bob", "J"]),
        ("joined > 01.27.2020", 'fields.joined > "01-27-2020"', ["J"]),
        ("joined >= 01-27-2020", 'fields.joined >= "01-27-2020"', ["Ann Smith", "J"]),
        ("joined < 01-27-2020", 'fields.joined < "01-27-2020"', ["Bob"]),
        ("joined <= 01-27-2020", 'fields.joined <= "01-27-2020"', ["Ann Smith", "Bob"]),
    ],
)
async def test_bare_values_addresses_properties_and_local_days(
    client: httpx.AsyncClient, americans: Session, query: str, canonical: str, expected: list[str]
) -> None:
    assert (await parse(client, americans, query))["canonical"] == canonical
    assert await names(client, americans, {"query": query}) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("age = " + "9" * 36, None),
        ("age = -1" + "0" * 100, None),
        ("age = " + "9" * 37, "has more than 36 significant digits"),
        ("age = 1" + "0" * 101, "is too large: numbers must be between -10^100 and 10^100"),
        ("age > 1.5e3", "uses scientific notation: write the number out in full"),
    ],
)
async def test_numbers_have_at_most_36_significant_digits_and_10_to_the_100(
    client: httpx.AsyncClient, workspace: Session, text: str, error: str | None
) -> None:
    result = await parse(client, workspace, text)
    if error is None:
        assert result["__typename"] == "ParsedContactQuery"
        return
    value = text.split()[2]
    assert (result["queryCode"], result["extra"]) == (
        "invalid_number",
        {"property": "age", "value": value},
    )
    assert result["message"].endswith(f" {error}")
