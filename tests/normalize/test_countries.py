import pytest

from normalize.countries import is_timezone, normalize_country
from normalize.errors import InvalidValue


@pytest.mark.parametrize(("code", "normalized"), [("rw", "RW"), ("US", "US"), (" gb ", "GB")])
def test_country_codes_are_uppercased(code: str, normalized: str) -> None:
    assert normalize_country(code) == normalized


@pytest.mark.parametrize("code", ["USA", "UK", "XX", "", "r"])
def test_other_country_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalize_country(code)
    assert str(caught.value) == (
        f'"{code}" is not an ISO 3166 two-letter country code, such as US or RW'
    )


@pytest.mark.parametrize("name", ["Africa/Kigali", "America/New_York", "UTC", "Etc/GMT+3"])
def test_iana_time_zones(name: str) -> None:
    assert is_timezone(name)


@pytest.mark.parametrize("name", ["africa/kigali", "Mars/Olympus", "", "../etc/passwd", "CET+1"])
def test_not_time_zones(name: str) -> None:
    assert not is_timezone(name)
