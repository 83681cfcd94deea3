import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from normalize import phones
from normalize.errors import InvalidValue
from normalize.phones import normalize_phone
from normalize.urns import Scheme, looks_like_phone_fragment, normalize_path, read_complete_phone


def tel(raw: str, country: str = "US") -> str:
    return normalize_path(Scheme.TEL, raw, country=country)


def refusal(raw: str, country: str = "US") -> str:
    with pytest.raises(InvalidValue) as caught:
        tel(raw, country)
    assert caught.value.value == raw
    return str(caught.value)


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [
        ("(202) 555-0143", "US", "+12025550143"),
        ("202.555.0143", "US", "+12025550143"),
        ("202 555 0143", "US", "+12025550143"),
        ("1 202 555 0143", "US", "+12025550143"),
        ("+1 202-555-0143", "US", "+12025550143"),
        ("+12025550143", "RW", "+12025550143"),
        ("  +44 20 7946 0958  ", "US", "+442079460958"),
        ("0788 383 383", "RW", "+250788383383"),
        ("0788383383", "rw", "+250788383383"),
        ("00 250 788 383 383", "RW", "+250788383383"),
        ("011 250 788 383 383", "US", "+250788383383"),
        ("٠٧٨٨٣٨٣٣٨٣", "RW", "+250788383383"),
    ],
)
def test_valid_national_and_international_forms(raw: str, country: str, e164: str) -> None:
    assert tel(raw, country) == e164


def test_00_prefix_is_international_even_where_the_exit_code_differs() -> None:
    assert tel("00 250 788 383 383", "US") == "+250788383383"


def test_number_invalid_in_country_but_valid_internationally_is_international() -> None:
    assert tel("250788383383", "US") == "+250788383383"


def test_valid_in_country_wins_over_an_international_reading() -> None:
    # 250 is also an area code of British Columbia: valid in CA, so it stays Canadian.
    assert tel("250 555 0143", "CA") == "+12505550143"


def test_possible_but_not_valid_number_is_accepted_in_the_country() -> None:
    # NANP has no area code 123, but the number has a possible length and no valid
    # international reading; messaging services still accept such numbers.
    assert tel("(123) 456-7890", "US") == "+11234567890"


def test_international_numbers_need_only_be_possible() -> None:
    assert tel("+1 123 456 7890", "RW") == "+11234567890"


def test_country_without_numbering_plan_reads_only_international_numbers() -> None:
    assert tel("250788383383", "AQ") == "+250788383383"
    assert tel("+1 202 555 0143", "AQ") == "+12025550143"
    assert refusal("202 555 0143", "AQ") == (
        '"202 555 0143" cannot be read as a national number: AQ has no phone numbering plan; '
        "write it with + and the country code"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("(555) 12", '"(555) 12" is not a possible phone number for US: too short'),
        ("12", '"12" is not a possible phone number for US: too short'),
        ("1234567890123", '"1234567890123" is not a possible phone number for US: too long'),
        (
            "12345678901234567890",
            '"12345678901234567890" is not a possible phone number for US: too long',
        ),
        ("555-1234", '"555-1234" is not a possible phone number for US: the area code is missing'),
        ("1-800-FLOWERS", '"1-800-FLOWERS" is not a possible phone number: it contains letters'),
        (
            "202-555-0143 ext 5",
            '"202-555-0143 ext 5" is not a possible phone number: it contains letters',
        ),
        ("---", '"---" is not a phone number for US'),
        ("+999 123 4567", '"+999 123 4567" starts with an unknown country calling code'),
        (
            "+2507883",
            '"+2507883" is not a possible phone number for country code +250: too short',
        ),
        (
            "+25078838338399",
            '"+25078838338399" is not a possible phone number for country code +250: too long',
        ),
    ],
)
def test_impossible_numbers_are_refused_with_the_reason(raw: str, message: str) -> None:
    assert refusal(raw) == message


@pytest.mark.parametrize("raw", ["2.50788E+11", "2.50788e11", "2,50788E+11", "2.50788E11"])
def test_scientific_notation_from_spreadsheets_is_refused_not_guessed(raw: str) -> None:
    assert refusal(raw) == (
        f'"{raw}" looks like a number mangled by a spreadsheet (scientific notation), '
        "which may have lost digits: format the column as text and export it again"
    )


def test_float_suffix_from_spreadsheets_is_refused() -> None:
    assert refusal("250788383383.0") == (
        '"250788383383.0" looks like a number mangled by a spreadsheet (it ends in ".0"), '
        "which may have lost digits: format the column as text and export it again"
    )


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("(202) 555-0143", "+12025550143"),
        ("202.555.0143", "+12025550143"),
        ("+12025550143", "+12025550143"),
        ("250788383383", "+250788383383"),
    ],
)
def test_read_complete_phone_reads_valid_numbers(text: str, e164: str) -> None:
    assert read_complete_phone(text, country="US") == e164


@pytest.mark.parametrize(
    "text", ["(123) 456-7890", "0788", "555-1234", "bob", "2.50788E+11", "", "+999 123 4567"]
)
def test_read_complete_phone_returns_none_for_anything_less(text: str) -> None:
    assert read_complete_phone(text, country="US") is None


@pytest.mark.parametrize("text", ["0788", "+250-7", "+2507", "078-83", "12-34-56", "1234567890123"])
def test_phone_fragments(text: str) -> None:
    assert looks_like_phone_fragment(text)


@pytest.mark.parametrize(
    "text", ["078", "+078", "+250", "----", "07 88", "0788a", "++0788", "0788+", "(078) 8", ""]
)
def test_not_phone_fragments(text: str) -> None:
    assert not looks_like_phone_fragment(text)


def test_numbers_written_with_a_plus_read_the_same_without_the_validity_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A possible number written with + is taken without checking that it is valid: the
    result (number or refusal) is what the full reading gives, for every country code."""

    def read(raw: str) -> str:
        try:
            return normalize_phone(raw, country="RW")
        except InvalidValue as error:
            return f"refused: {error}"

    rng = random.Random(11)
    codes = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
    samples = [
        f"+{rng.choice(codes)}{rng.randrange(10 ** rng.randint(3, 14))}" for _ in range(3000)
    ]
    quick = [read(raw) for raw in samples]
    monkeypatch.setattr(phones, "_possible", lambda number: False)
    assert [read(raw) for raw in samples] == quick
    assert sum(not r.startswith("refused") for r in quick) > 500  # not only refusals


@pytest.mark.parametrize(
    ("country", "written"),
    [("KR", "087043843093"), ("BR", "090883344803"), ("CD", "+810000000977123456")],
)
def test_a_number_whose_stored_form_reads_as_another_is_refused(country: str, written: str) -> None:
    """Each of these read as a number whose E.164 form read again gave a third: two forms of
    one number could be stored and miss each other."""
    with pytest.raises(InvalidValue) as caught:
        normalize_phone(written, country=country)
    assert str(caught.value).startswith(f'"{written}" is not a valid phone number for ')


@pytest.mark.parametrize(
    ("country", "written", "stored"),
    [
        ("ID", "62877747666", "+62877747666"),
        ("ID", "62 877 747 666", "+62877747666"),
        ("RW", "250788383383", "+250788383383"),
        ("ID", "0877 4774 7666", "+6287747747666"),  # the trunk prefix: a national number
        ("IT", "3931234567", "+393931234567"),  # no trunk prefix: 39 starts mobiles
    ],
)
def test_the_own_calling_code_without_plus_is_not_added_twice(
    country: str, written: str, stored: str
) -> None:
    assert normalize_phone(written, country=country) == stored


def test_every_stored_number_reads_back_as_itself_in_every_country() -> None:
    """Example numbers of every region and type, written nationally and internationally, in
    their own region and in two others."""
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    checked = 0
    for region in regions:
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            national = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
            e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
            for written in (national, e164, e164.lstrip("+")):
                for country in (region, "US", "RW"):
                    try:
                        stored = normalize_phone(written, country=country)
                    except InvalidValue:
                        continue
                    assert normalize_phone(stored, country=country) == stored, (written, country)
                    checked += 1
    assert checked > 1000
