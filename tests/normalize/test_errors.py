import pytest

from normalize.errors import InvalidValue


def test_message_names_the_value_then_the_reason() -> None:
    error = InvalidValue("(555) 12", "is not a possible phone number for US: too short")

    assert str(error) == '"(555) 12" is not a possible phone number for US: too short'
    assert error.value == "(555) 12"
    assert error.reason == "is not a possible phone number for US: too short"


def test_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="is empty"):
        raise InvalidValue("", "is empty")


def test_long_values_are_shortened_in_the_message_but_kept_whole() -> None:
    value = "x" * 500
    error = InvalidValue(value, "is too long")

    assert str(error) == f'"{"x" * 79}…" is too long'
    assert error.value == value
