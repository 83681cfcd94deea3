import pytest

from normalize.errors import InvalidValue
from normalize.languages import is_language, normalize_language


@pytest.mark.parametrize("code", ["eng", "ENG", "fra", "kin", "swa", " Spa "])
def test_iso_639_3_codes_are_languages(code: str) -> None:
    assert is_language(code)


@pytest.mark.parametrize("code", ["en", "english", "xyz", "", "fre"])
def test_other_codes_are_not_languages(code: str) -> None:
    assert not is_language(code)


def test_normalize_language_lowercases() -> None:
    assert normalize_language("KIN") == "kin"
    assert normalize_language(" Eng ") == "eng"


@pytest.mark.parametrize("code", ["en", "xyz", ""])
def test_normalize_language_refuses_with_the_code(code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalize_language(code)
    assert str(caught.value) == f'"{code}" is not an ISO 639-3 language code, such as eng or fra'
