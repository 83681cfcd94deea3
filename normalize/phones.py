"""Phone numbers: read what people and spreadsheets write, store E.164."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, ValidationResult

from normalize.errors import InvalidValue

_SCIENTIFIC_NOTATION = re.compile(r"\+?[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+")
_FLOAT_SUFFIX = re.compile(r"\+?[0-9]+\.0+")
_LETTER = re.compile(r"[^\W\d_]")
_NON_DIGIT = re.compile(r"\D")
_FRAGMENT = re.compile(r"\+?(?=[0-9-]*[0-9])[0-9-]{4,}")

_SPREADSHEET_DAMAGE = (
    "looks like a number mangled by a spreadsheet ({form}), which may have lost digits: "
    "format the column as text and export it again"
)

# `{place}`: " for <country>" when the number was read as a national one, so a person who wrote
# it sees which country's numbers it was read as.
_PARSE_FAILURES = {
    NumberParseException.INVALID_COUNTRY_CODE: "starts with an unknown country calling code",
    NumberParseException.NOT_A_NUMBER: "is not a phone number{place}",
    NumberParseException.TOO_SHORT_AFTER_IDD: (
        "is not a possible phone number{place}: too short after the international prefix"
    ),
    NumberParseException.TOO_SHORT_NSN: "is not a possible phone number{place}: too short",
    NumberParseException.TOO_LONG: "is not a possible phone number{place}: too long",
}

_IMPOSSIBLE_LENGTHS = {
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "the area code is missing",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "no numbers there have that many digits",
}


def normalize_phone(raw: str, *, country: str) -> str:
    """E.164 of `raw`, read in `country` unless written internationally; refuses impossible ones.

    Order: a number written with the country's own calling code but no + (where numbers are
    written nationally with a trunk prefix, so the code cannot start a national number), else
    valid in `country`, else valid read as a full international number, else merely possible in
    `country` (messaging services accept those). What is stored reads back as itself:
    normalize_phone(normalize_phone(x)) == normalize_phone(x).
    """
    region = country.upper()
    number = _read_number(raw, region, possible_is_enough=True)
    stored = _e164(number)
    if not phonenumbers.is_valid_number(number):
        _require_stable(raw, stored, number, region)
    return stored


def read_complete_phone(text: str, *, country: str) -> str | None:
    """E.164 of `text` when all of it is a valid phone number for `country`, else None."""
    try:
        number = _read_number(text, country.upper(), possible_is_enough=False)
    except InvalidValue:
        return None
    return _e164(number)


def looks_like_phone_fragment(text: str) -> bool:
    """True for search text such as `0788` or `+250-78`: an optional + then 4+ digits or dashes."""
    return _FRAGMENT.fullmatch(text) is not None


def _read_number(raw: str, region: str, *, possible_is_enough: bool) -> PhoneNumber:
    text = raw.strip()
    _refuse_damage(raw, text)
    written_internationally = text.startswith("+")
    if not written_internationally and region not in phonenumbers.SUPPORTED_REGIONS:
        return _read_without_numbering_plan(raw, text, region)
    if not written_internationally and _starts_with_own_calling_code(text, region):
        international = _read_as_international(text)
        if international is not None and phonenumbers.is_valid_number(international):
            return international

    number = _parse(raw, text, None if written_internationally else region)
    if written_internationally and possible_is_enough and _possible(number):
        # Valid or merely possible, a number written with + has this one reading: the
        # (costlier) validity check could not change the result.
        return number
    if phonenumbers.is_valid_number(number):
        return number
    if not written_internationally:
        international = _read_as_international(text)
        if international is not None and phonenumbers.is_valid_number(international):
            return international

    place = _place(number, region)
    if not possible_is_enough:
        raise InvalidValue(raw, f"is not a valid phone number for {place}")
    _require_possible(raw, number, place)
    return number


def _starts_with_own_calling_code(text: str, region: str) -> bool:
    """`62877747666` in Indonesia: the calling code without +, where a national number would
    start with the trunk prefix (0) instead."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    trunk = metadata.national_prefix if metadata is not None else None
    digits = _NON_DIGIT.sub("", text)
    code = str(phonenumbers.country_code_for_region(region))
    if not trunk or digits.startswith(trunk):
        return False
    return digits.startswith(code)


def _require_stable(raw: str, stored: str, number: PhoneNumber, region: str) -> None:
    """A merely possible number whose E.164 form reads back as another number (leading zeros
    that a second reading drops) would be stored in two forms: refused."""
    try:
        again = _e164(_read_number(stored, region, possible_is_enough=True))
    except InvalidValue:
        again = None
    if again != stored:
        place = _place(number, region)
        raise InvalidValue(raw, f"is not a valid phone number for {place}")


def _refuse_damage(raw: str, text: str) -> None:
    if _SCIENTIFIC_NOTATION.fullmatch(text):
        raise InvalidValue(raw, _SPREADSHEET_DAMAGE.format(form="scientific notation"))
    if _FLOAT_SUFFIX.fullmatch(text):
        raise InvalidValue(raw, _SPREADSHEET_DAMAGE.format(form='it ends in ".0"'))
    if _LETTER.search(text):
        raise InvalidValue(raw, "is not a possible phone number: it contains letters")


def _read_without_numbering_plan(raw: str, text: str, region: str) -> PhoneNumber:
    international = _read_as_international(text)
    if international is not None and phonenumbers.is_valid_number(international):
        return international
    raise InvalidValue(
        raw,
        f"cannot be read as a national number: {region} has no phone numbering plan; "
        "write it with + and the country code",
    )


def _read_as_international(text: str) -> PhoneNumber | None:
    digits = _NON_DIGIT.sub("", text)
    if digits.startswith("00"):
        digits = digits[2:]
    try:
        return phonenumbers.parse("+" + digits, None)
    except NumberParseException:
        return None


def _parse(raw: str, text: str, region: str | None) -> PhoneNumber:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException as error:
        reason = _PARSE_FAILURES.get(error.error_type, "is not a phone number{place}")
        place = f" for {region}" if region else ""
        raise InvalidValue(raw, reason.format(place=place)) from None


def _place(number: PhoneNumber, region: str) -> str:
    if number.country_code == phonenumbers.country_code_for_region(region):
        return region
    return f"country code +{number.country_code}"


def _possible(number: PhoneNumber) -> bool:
    return bool(phonenumbers.is_possible_number_with_reason(number) == ValidationResult.IS_POSSIBLE)


def _require_possible(raw: str, number: PhoneNumber, place: str) -> None:
    result = phonenumbers.is_possible_number_with_reason(number)
    if result == ValidationResult.IS_POSSIBLE:
        return
    problem = _IMPOSSIBLE_LENGTHS.get(result, "unknown country calling code")
    raise InvalidValue(raw, f"is not a possible phone number for {place}: {problem}")


def _e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)
