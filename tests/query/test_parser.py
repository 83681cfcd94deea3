from __future__ import annotations

import pytest

from query.ast import BoolCombination, BoolOp, Condition, Node, Operator, Prefix, Property
from query.errors import ErrorCode, QueryError
from query.parser import parse

AND, OR = BoolOp.AND, BoolOp.OR


def cond(prop: str, operator: str, value: str) -> Condition:
    prefix, _, name = prop.rpartition(".")
    return Condition(Property(name, Prefix(prefix) if prefix else None), Operator(operator), value)


def both(*children: Node) -> BoolCombination:
    return BoolCombination(AND, children)


def either(*children: Node) -> BoolCombination:
    return BoolCombination(OR, children)


def syntax_error(text: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.code is ErrorCode.SYNTAX
    return caught.value


def test_a_condition_is_property_operator_value() -> None:
    assert parse("age >= 18") == cond("age", ">=", "18")


@pytest.mark.parametrize("operator", ["=", "!=", "~", ">", ">=", "<", "<="])
def test_every_symbol_operator_with_and_without_spaces(operator: str) -> None:
    assert parse(f"age {operator} 5") == cond("age", operator, "5")
    assert parse(f"age{operator}5") == cond("age", operator, "5")


@pytest.mark.parametrize(
    ("word", "operator"), [("is", "="), ("IS", "="), ("has", "~"), ("Has", "~")]
)
def test_is_and_has_are_operators_in_any_case(word: str, operator: str) -> None:
    assert parse(f"name {word} bob") == cond("name", operator, "bob")


def test_explicit_and_binds_tighter_than_side_by_side_which_binds_tighter_than_or() -> None:
    a, b, c, d = (cond(p, "=", "1") for p in "abcd")
    assert parse("a = 1 and b = 1 or c = 1 d = 1") == either(both(a, b), both(c, d))


def test_and_binds_tighter_than_or() -> None:
    x, y, z = cond("x", "=", "1"), cond("y", "=", "2"), cond("z", "=", "3")
    assert parse("x = 1 OR y = 2 AND z = 3") == either(x, both(y, z))


def test_side_by_side_terms_around_an_explicit_and() -> None:
    a, b, c = (cond(p, "=", "1") for p in "abc")
    assert parse("a = 1 b = 1 AND c = 1") == both(a, b, c)


def test_side_by_side_binds_looser_than_explicit_and_with_or_inside_parentheses() -> None:
    a, b, c = (cond(p, "=", "1") for p in "abc")
    assert parse("(a = 1 OR b = 1) c = 1") == both(either(a, b), c)
    assert parse("a = 1 (b = 1 OR c = 1)") == both(a, either(b, c))


@pytest.mark.parametrize("word", ["and", "AND", "And", "or", "OR", "oR"])
def test_and_or_in_any_case(word: str) -> None:
    op = BoolOp(word.upper())
    assert parse(f"a = 1 {word} b = 2") == BoolCombination(
        op, (cond("a", "=", "1"), cond("b", "=", "2"))
    )


def test_chains_of_one_operator_are_flattened() -> None:
    a, b, c = (cond(p, "=", "1") for p in "abc")
    assert parse("(a = 1 AND b = 1) AND c = 1") == both(a, b, c)
    assert parse("a = 1 OR (b = 1 OR (c = 1))") == either(a, b, c)
    assert parse("((a = 1))") == a


def test_quoted_values_keep_spaces_and_unescape_quotes_and_backslashes() -> None:
    assert parse(r'name = "Ann \"Nan\" O\\Neil"') == cond("name", "=", 'Ann "Nan" O\\Neil')


def test_a_backslash_before_anything_else_is_kept() -> None:
    assert parse(r'name = "a\b"') == cond("name", "=", "a\\b")


def test_quoted_words_are_values_not_keywords() -> None:
    assert parse('name = "and" OR name = "is"') == either(
        cond("name", "=", "and"), cond("name", "=", "is")
    )


def test_empty_quotes_are_a_value() -> None:
    assert parse('age != ""') == cond("age", "!=", "")


def test_bare_values_allow_word_punctuation() -> None:
    assert parse("mailto = ann.o'neil+x@example.com") == cond(
        "mailto", "=", "ann.o'neil+x@example.com"
    )
    assert parse("dob = 27/01/2020") == cond("dob", "=", "27/01/2020")
    assert parse("urn = tel:+250788") == cond("urn", "=", "tel:+250788")


def test_letters_outside_ascii_are_word_characters() -> None:
    assert parse("name = José") == cond("name", "=", "José")


def test_property_names_are_lowercased_and_may_have_one_prefix() -> None:
    assert parse("Fields.Age > 5") == cond("fields.age", ">", "5")
    assert parse("URNS.Tel = 123") == cond("urns.tel", "=", "123")
    assert parse("Job_Title = x") == cond("job_title", "=", "x")


def test_an_unknown_prefix_is_an_unknown_property_type() -> None:
    with pytest.raises(QueryError) as caught:
        parse("Contact.age = 5")
    assert caught.value.code is ErrorCode.UNKNOWN_PROPERTY_TYPE
    assert caught.value.extra == {"type": "contact"}


def test_a_bare_word_searches_names() -> None:
    assert parse("Will") == cond("name", "~", "Will")
    assert parse('"will smith"') == cond("name", "~", "will smith")


def test_bare_words_side_by_side_each_search_names() -> None:
    assert parse("will smith") == both(cond("name", "~", "will"), cond("name", "~", "smith"))


def test_a_bare_phone_fragment_searches_phone_numbers() -> None:
    assert parse("0788") == cond("urns.tel", "~", "0788")
    assert parse("+250-78") == cond("urns.tel", "~", "+250-78")


def test_a_bare_value_without_a_two_character_word_matches_names_exactly() -> None:
    assert parse("J") == cond("name", "=", "J")
    assert parse("123") == cond("name", "~", "123")
    assert parse('"a b"') == cond("name", "=", "a b")
    assert parse("j.k") == cond("name", "=", "j.k")


def test_bare_values_mix_with_conditions() -> None:
    assert parse("bob OR age > 5") == either(cond("name", "~", "bob"), cond("age", ">", "5"))


@pytest.mark.parametrize(
    ("text", "position", "token"),
    [
        ("", "0", ""),
        ("   ", "3", ""),
        ("name =", "6", ""),
        ("name = AND b", "7", "AND"),
        ("name = (bob)", "7", "("),
        ("name = = bob", "7", "="),
        ("= bob", "0", "="),
        ("name = bob AND", "14", ""),
        ("name = bob OR OR x", "14", "OR"),
        ("AND name = bob", "0", "AND"),
        ("(name = bob", "11", ""),
        ("name = bob)", "10", ")"),
        ("()", "1", ")"),
        ('"bob" = 1', "6", "="),
        ("name ! bob", "5", "!"),
        ("name = bob, ann", "10", ","),
        ('name = "bob', "7", '"'),
        ("a-b = 5", "0", "a-b"),
        ("fields.a.b = 5", "0", "fields.a.b"),
        ("fields. = 5", "0", "fields."),
        ("name is", "7", ""),
        ("is bob", "0", "is"),
    ],
)
def test_syntax_errors_say_where(text: str, position: str, token: str) -> None:
    error = syntax_error(text)
    assert error.extra == {"position": position, "token": token}


def test_syntax_error_messages_are_readable() -> None:
    assert syntax_error("").message == "The query is empty."
    assert syntax_error("name = bob)").message == "Unexpected ')' at position 10."
    assert syntax_error("(name = bob").message == (
        "The parenthesis opened at position 0 is not closed: "
        "found the end of the query at position 11."
    )
    assert syntax_error("name =").message == (
        "A value must follow '=' (position 5): found the end of the query at position 6."
    )
    # The message's last position is the error's own, as `extra` gives it.
    for text in ("name =", "age > (", "a = 1 AND (b = 2"):
        error = syntax_error(text)
        assert error.message.endswith(f" at position {error.extra['position']}.")


def test_queries_over_ten_thousand_characters_are_too_complex() -> None:
    parse("name = " + "x" * (10_000 - 7))
    with pytest.raises(QueryError) as caught:
        parse("name = " + "x" * (10_001 - 7))
    assert caught.value.code is ErrorCode.TOO_COMPLEX
    assert caught.value.extra == {"reason": "length", "limit": "10000"}


def test_nesting_deeper_than_one_hundred_is_too_complex() -> None:
    assert parse("(" * 100 + "a = 1" + ")" * 100) == cond("a", "=", "1")
    with pytest.raises(QueryError) as caught:
        parse("(" * 101 + "a = 1" + ")" * 101)
    assert caught.value.code is ErrorCode.TOO_COMPLEX
    assert caught.value.extra == {"reason": "depth", "limit": "100"}


def test_more_than_250_conditions_is_too_complex() -> None:
    parse(" OR ".join(["a = 1"] * 250))
    with pytest.raises(QueryError) as caught:
        parse(" OR ".join(["a = 1"] * 251))
    assert caught.value.code is ErrorCode.TOO_COMPLEX
    assert caught.value.extra == {"reason": "conditions", "limit": "250"}


def test_bare_values_count_as_conditions() -> None:
    with pytest.raises(QueryError) as caught:
        parse(" ".join(["bob"] * 251))
    assert caught.value.extra["reason"] == "conditions"
