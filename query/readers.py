"""Reading a condition's value for the kind of property it is compared with."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from uuid import UUID

from models.enums import ContactStatus
from normalize.errors import InvalidValue
from normalize.languages import normalize_language
from normalize.urns import Scheme, normalize_path, parse_urn
from normalize.values import format_date, parse_date, parse_number
from query.environment import QueryEnvironment
from query.errors import ErrorCode, QueryError
from query.values import (
    DayValue,
    FlagValue,
    GroupValue,
    NamePrefixes,
    NumberValue,
    Substring,
    TextValue,
    UrnValue,
    UuidValue,
)
from query.words import MIN_WORD_LENGTH, search_prefixes

MIN_URN_SUBSTRING = 3
MAX_ID = 2**63 - 1

_PHONE_PUNCTUATION = re.compile(r"[\s().-]")


def read_number(prop: str, value: str) -> NumberValue:
    try:
        return NumberValue(parse_number(value), value)
    except InvalidValue as error:
        raise _invalid(ErrorCode.INVALID_NUMBER, prop, error) from None


def read_id(prop: str, value: str) -> NumberValue:
    number = read_number(prop, value)
    if number.number != number.number.to_integral_value() or not 0 < number.number <= MAX_ID:
        reason = "is not a contact id: ids are whole numbers from 1"
        raise _invalid(ErrorCode.INVALID_NUMBER, prop, InvalidValue(value, reason))
    return number


def read_day(prop: str, value: str, env: QueryEnvironment) -> DayValue:
    try:
        day = parse_date(value, date_format=env.date_format)
        start = datetime.combine(day, time(), tzinfo=env.timezone).astimezone(UTC)
        next_day = day + timedelta(days=1)
        end = datetime.combine(next_day, time(), tzinfo=env.timezone).astimezone(UTC)
    except InvalidValue as error:
        raise _invalid(ErrorCode.INVALID_DATE, prop, error) from None
    except OverflowError:
        reason = "is outside the range of dates that can be searched"
        raise _invalid(ErrorCode.INVALID_DATE, prop, InvalidValue(value, reason)) from None
    return DayValue(day, start, end, format_date(day, date_format=env.date_format))


def read_uuid(prop: str, value: str) -> UuidValue:
    try:
        return UuidValue(UUID(value))
    except ValueError:
        reason = "is not a UUID, such as 0b7ac5d6-8bd1-4a0e-9b11-3a4b8b8c1f0e"
        raise _invalid(ErrorCode.INVALID_UUID, prop, InvalidValue(value, reason)) from None


def read_status(prop: str, value: str) -> TextValue:
    try:
        return TextValue(ContactStatus(value.lower()).value)
    except ValueError:
        reason = f"is not a contact status: use one of {', '.join(ContactStatus)}"
        raise _invalid(ErrorCode.INVALID_STATUS, prop, InvalidValue(value, reason)) from None


def read_language(prop: str, value: str) -> TextValue:
    try:
        return TextValue(normalize_language(value))
    except InvalidValue as exc:
        raise _invalid(ErrorCode.INVALID_LANGUAGE, prop, exc) from None


def read_group(prop: str, value: str, env: QueryEnvironment) -> GroupValue:
    group = env.groups.get(value.lower())
    if group is None:
        reason = "is not the name of a group in this workspace"
        raise _invalid(ErrorCode.INVALID_GROUP, prop, InvalidValue(value, reason))
    return GroupValue(group)


def read_flag(prop: str, value: str, env: QueryEnvironment) -> FlagValue:
    flag = env.flags.get(value.lower())
    if flag is None:
        reason = "is not the name of a flag in this workspace"
        raise _invalid(ErrorCode.INVALID_FLAG, prop, InvalidValue(value, reason))
    return FlagValue(flag)


def read_name_prefixes(prop: str, value: str) -> NamePrefixes:
    prefixes = search_prefixes(value)
    if not prefixes:
        raise QueryError(
            ErrorCode.INVALID_PARTIAL_NAME,
            f"Searching {prop} with ~ needs a word of at least {MIN_WORD_LENGTH} characters; "
            f'"{value}" has none.',
            {"property": prop, "value": value, "minimum": str(MIN_WORD_LENGTH)},
        )
    return NamePrefixes(value, prefixes)


def read_urn_substring(prop: str, value: str, scheme: Scheme | None) -> Substring:
    text = _PHONE_PUNCTUATION.sub("", value) if scheme is Scheme.TEL else value
    if len(text) < MIN_URN_SUBSTRING:
        raise QueryError(
            ErrorCode.INVALID_PARTIAL_URN,
            f"Searching {prop} with ~ needs at least {MIN_URN_SUBSTRING} characters; "
            f'"{value}" has {len(text)}.',
            {"property": prop, "value": value, "minimum": str(MIN_URN_SUBSTRING)},
        )
    return Substring(text)


def read_urn(value: str, scheme: Scheme | None, env: QueryEnvironment) -> UrnValue:
    """The stored form of an address; one that cannot be read is kept as written (and so
    matches nothing) since the query language has no error for it."""
    try:
        if scheme is not None:
            return UrnValue(normalize_path(scheme, value, country=env.country))
        if ":" in value:
            written_scheme, path = parse_urn(value, country=env.country)
            return UrnValue(path, written_scheme)
    except InvalidValue:
        pass
    return UrnValue(value)


def _invalid(code: ErrorCode, prop: str, error: InvalidValue) -> QueryError:
    return QueryError(code, f"{prop}: {error}", {"property": prop, "value": error.value})
