from __future__ import annotations

import pytest

from query.api import parse_query
from query.errors import ErrorCode, QueryError
from tests.query.support import environment


def test_exposes_canonical_text_fields_and_groups_in_order_of_first_use() -> None:
    parsed = parse_query(
        "age > 18 OR (city = kigali AND group = testers) OR age < 5 OR group = ADULTS",
        environment(),
    )
    assert parsed.canonical == (
        'fields.age > 18 OR (fields.city = "kigali" AND group = "Testers") '
        'OR fields.age < 5 OR group = "Adults"'
    )
    assert parsed.field_keys == ("age", "city")
    assert parsed.group_names == ("Testers", "Adults")


def test_checking_for_no_group_uses_no_group() -> None:
    assert parse_query('group = ""', environment()).group_names == ()


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("age > 18 name ~ bob tel ~ 0788 flag = vip created_on > 01-01-2020", True),
        ("uuid = 0b7ac5d6-8bd1-4a0e-9b11-3a4b8b8c1f0e", False),
        ("id = 5", False),
        ("age > 18 OR status = active", False),
        ('group = ""', False),
        ("group = testers", False),
    ],
)
def test_smart_groups_may_not_use_uuid_id_status_or_group(text: str, allowed: bool) -> None:
    assert parse_query(text, environment()).allows_smart_group is allowed


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("tel:+12025550143", 'urns.tel = "+12025550143"'),
        ("  MAILTO:Ann@Example.com ", 'urns.mailto = "ann@example.com"'),
        ("(202) 555-0143", 'urns.tel = "+12025550143"'),
        ("202.555.0143", 'urns.tel = "+12025550143"'),
        ("+1 202 555 0143", 'urns.tel = "+12025550143"'),
        ("2025", "urns.tel ~ 2025"),
        ("555-0143", "urns.tel ~ 5550143"),
        ("name:bob", 'name ~ "name:bob"'),
    ],
)
def test_a_query_that_is_only_an_address_means_exactly_it(text: str, canonical: str) -> None:
    assert parse_query(text, environment(country="US")).canonical == canonical


def test_complete_numbers_are_read_in_the_workspace_country() -> None:
    parsed = parse_query("0788 383 383", environment(country="RW"))
    assert parsed.canonical == 'urns.tel = "+250788383383"'


@pytest.mark.parametrize("text", ["tel:+12025550143", "twitter:bobby", "0788 383 383"])
def test_an_address_query_in_an_anonymous_workspace_searches_names(text: str) -> None:
    """Addresses are hidden there: text that merely looks like one is read as any text is."""
    parsed = parse_query(text, environment(anonymous=True))
    assert parsed.canonical == parse_query(text, environment(anonymous=True)).canonical
    assert "urn" not in parsed.canonical and parsed.canonical.startswith("name ")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("tel:+0123456566", 'urns.tel = "+0123456566"'), ("TEL:abc", 'urns.tel = "abc"')],
)
def test_an_address_of_a_known_scheme_that_does_not_read_stays_an_address(
    text: str, canonical: str
) -> None:
    """It matches what was stored as written, or nothing; never a name."""
    assert parse_query(text, environment(country="RW")).canonical == canonical


def test_errors_from_every_stage_surface() -> None:
    for text, code in [
        ("name = (", ErrorCode.SYNTAX),
        ("contact.name = x", ErrorCode.UNKNOWN_PROPERTY_TYPE),
        ("nope = x", ErrorCode.UNKNOWN_PROPERTY),
        ("x" * 10_001, ErrorCode.TOO_COMPLEX),
    ]:
        with pytest.raises(QueryError) as caught:
            parse_query(text, environment())
        assert caught.value.code is code, text


def test_the_length_limit_applies_before_reading_an_address() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("tel:+1" + "2" * 10_000, environment())
    assert caught.value.extra == {"reason": "length", "limit": "10000"}


def test_query_errors_carry_code_message_and_extra() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("age ~ 5", environment())
    error = caught.value
    assert (error.code, error.message, error.extra) == (
        "unsupported_contains",
        "~ (contains) works with name and addresses only; it can't be used with age.",
        {"property": "age"},
    )
    assert str(error) == error.message
