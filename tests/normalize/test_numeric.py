from decimal import Decimal

import pytest

from normalize.errors import InvalidValue
from normalize.values import is_plain_number, parse_number


def refusal(text: str) -> str:
    with pytest.raises(InvalidValue) as caught:
        parse_number(text)
    assert caught.value.value == text
    assert not is_plain_number(text)
    return caught.value.reason


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", Decimal("42")),
        ("-1.25", Decimal("-1.25")),
        (".5", Decimal("0.5")),
        ("-.5", Decimal("-0.5")),
        ("5.", Decimal("5")),
        ("  7  ", Decimal("7")),
        ("007", Decimal("7")),
        ("1.50", Decimal("1.50")),
    ],
)
def test_plain_numbers_are_read_exactly(text: str, number: Decimal) -> None:
    assert parse_number(text) == number
    assert str(parse_number(text)) == str(number)
    assert is_plain_number(text)


def test_negative_zero_becomes_zero() -> None:
    assert str(parse_number("-0")) == "0"
    assert str(parse_number("-0.00")) == "0.00"


@pytest.mark.parametrize("text", ["1e10", "1E10", "-2.5e-3", "2.50788E+11"])
def test_scientific_notation_is_refused(text: str) -> None:
    assert refusal(text) == "uses scientific notation: write the number out in full"


@pytest.mark.parametrize("text", ["1,000", "1,5", "1,000.25"])
def test_commas_are_refused(text: str) -> None:
    assert refusal(text) == (
        "contains a comma: write numbers without thousands separators, with a dot for decimals"
    )


def test_leading_plus_is_refused() -> None:
    assert refusal("+5") == "starts with +: only a leading minus sign is allowed"


@pytest.mark.parametrize(
    "text",
    ["abc", "NaN", "nan", "Infinity", "-Infinity", "-", ".", "1.2.3", "--1", "1 000", "١٢", "0x10"],
)
def test_other_text_is_not_a_number(text: str) -> None:
    assert refusal(text) == (
        "is not a number: use digits with an optional leading minus and decimal point"
    )


def test_empty_text_is_refused() -> None:
    assert refusal("  ") == "is empty: a number is expected"


def test_at_most_36_significant_digits() -> None:
    assert parse_number("9" * 36) == Decimal("9" * 36)
    assert parse_number("0.000" + "9" * 36) == Decimal("0.000" + "9" * 36)
    assert parse_number("-" + "9" * 18 + "." + "9" * 18) == Decimal("-" + "9" * 18 + "." + "9" * 18)
    assert refusal("9" * 37) == "has more than 36 significant digits"
    assert refusal("1." + "0" * 35 + "1") == "has more than 36 significant digits"


def test_magnitude_is_at_most_ten_to_the_hundred() -> None:
    assert parse_number("1" + "0" * 100) == Decimal(10) ** 100
    assert parse_number("-1" + "0" * 100) == -(Decimal(10) ** 100)
    assert refusal("2" + "0" * 100) == "is too large: numbers must be between -10^100 and 10^100"
    assert refusal("-1" + "0" * 101) == "is too large: numbers must be between -10^100 and 10^100"


def test_magnitude_check_is_exact_beyond_decimal_context_precision() -> None:
    just_over = "1" + "0" * 34 + "1" + "0" * 65  # 10^100 + 10^65: 36 significant digits
    assert refusal(just_over) == "is too large: numbers must be between -10^100 and 10^100"
