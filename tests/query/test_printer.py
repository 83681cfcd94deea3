from __future__ import annotations

import pytest

from query.api import parse_query
from query.parser import parse
from query.printer import print_query, print_value
from tests.query.support import environment


def canonical(text: str) -> str:
    return parse_query(text, environment()).canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Age > "18"', "fields.age > 18"),
        ("name=will", 'name = "will"'),
        ("DOB >= 27-01-2020", 'fields.dob >= "27-01-2020"'),
        (
            "(age = 1 AND city = 2) AND dob = 01-01-2000",
            'fields.age = 1 AND fields.city = 2 AND fields.dob = "01-01-2000"',
        ),
    ],
)
def test_issue_examples(text: str, expected: str) -> None:
    assert canonical(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NAME IS bob", 'name = "bob"'),
        ("tel has 0788", "urns.tel ~ 0788"),
        ("Urns.Mailto = Ann@Example.com", 'urns.mailto = "ann@example.com"'),
        ("fields.name = Nick", 'fields.name = "Nick"'),
        ("Status = Active", 'status = "active"'),
        ("group = testers", 'group = "Testers"'),
        ("flag != vip", 'flag != "VIP"'),
        ('last_seen_on != ""', 'last_seen_on != ""'),
        ("bob", 'name ~ "bob"'),
        ("0788", "urns.tel ~ 0788"),
        ("J", 'name = "J"'),
        ("age > 18.50", "fields.age > 18.50"),
        ("age > -5", 'fields.age > "-5"'),
        ('city = "  Kigali "', 'fields.city = "Kigali"'),
        ('name = "say \\"hi\\""', 'name = "say \\"hi\\""'),
    ],
)
def test_properties_and_values_are_written_canonically(text: str, expected: str) -> None:
    assert canonical(text) == expected


def test_and_or_are_uppercase_and_mixed_nesting_is_parenthesized() -> None:
    assert canonical("age = 1 or age = 2 and (city = a or city = b)") == (
        'fields.age = 1 OR (fields.age = 2 AND (fields.city = "a" OR fields.city = "b"))'
    )
    assert canonical("(age = 1 or age = 2) city = a") == (
        '(fields.age = 1 OR fields.age = 2) AND fields.city = "a"'
    )


def test_outer_parentheses_are_dropped() -> None:
    assert canonical("((age = 1 OR age = 2))") == "fields.age = 1 OR fields.age = 2"


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("18", "18"),
        ("18.50", "18.50"),
        ("0", "0"),
        ("-5", '"-5"'),
        (".5", '".5"'),
        ("5.", '"5."'),
        ("1e10", '"1e10"'),
        ("", '""'),
        ("a b", '"a b"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
    ],
)
def test_values_are_bare_only_when_digits_with_an_optional_decimal_part(
    value: str, printed: str
) -> None:
    assert print_value(value) == printed


@pytest.mark.parametrize(
    "text",
    [
        "a = 1 and b = 2 or c = 3 d = 4",
        "x = 1 OR y = 2 AND z = 3",
        '(a = 1 OR b = "x y") AND (c ~ 123 OR (d != "" AND e >= 2.5))',
        r'name = "quote \" and backslash \\ inside"',
        "bob 0788 J",
        "fields.age > 5 OR urns.tel ~ 0788",
        "a <= 1 b < 2 c > 3 d >= 4 e != 5 f ~ 6 g = 7",
    ],
)
def test_printed_syntax_trees_parse_back_to_the_same_tree(text: str) -> None:
    tree = parse(text)
    assert parse(print_query(tree)) == tree


def test_canonical_queries_read_back_to_the_same_canonical_query() -> None:
    text = "Age > 18 OR (city = kigali dob < 1/2/2000) tel ~ 0788 bob group = TESTERS"
    first = canonical(text)
    assert first == (
        'fields.age > 18 OR (fields.city = "kigali" AND fields.dob < "01-02-2000" '
        'AND urns.tel ~ 0788 AND name ~ "bob" AND group = "Testers")'
    )
    assert canonical(first) == first
