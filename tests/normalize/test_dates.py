from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from models.enums import DateFormat
from normalize.errors import InvalidValue
from normalize.values import format_date, parse_date, parse_datetime

DAY_FIRST = DateFormat.DAY_FIRST
MONTH_FIRST = DateFormat.MONTH_FIRST
KIGALI = ZoneInfo("Africa/Kigali")  # UTC+2, no daylight saving
NEW_YORK = ZoneInfo("America/New_York")


def date_refusal(text: str, date_format: DateFormat = DAY_FIRST) -> str:
    with pytest.raises(InvalidValue) as caught:
        parse_date(text, date_format=date_format)
    assert caught.value.value == text
    return str(caught.value)


def datetime_refusal(text: str, tz: ZoneInfo = KIGALI) -> str:
    with pytest.raises(InvalidValue) as caught:
        parse_datetime(text, date_format=DAY_FIRST, tz=tz)
    assert caught.value.value == text
    return str(caught.value)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["27-01-2020", "27/01/2020", "27.01.2020", " 27-1-2020 ", "2020-01-27"]
)
def test_day_first_dates(text: str) -> None:
    assert parse_date(text, date_format=DAY_FIRST) == date(2020, 1, 27)


@pytest.mark.parametrize(
    "text", ["01-27-2020", "01/27/2020", "1.27.2020", "2020-01-27", "2020/1/27"]
)
def test_month_first_dates(text: str) -> None:
    assert parse_date(text, date_format=MONTH_FIRST) == date(2020, 1, 27)


def test_the_format_decides_ambiguous_dates() -> None:
    assert parse_date("02-03-2020", date_format=DAY_FIRST) == date(2020, 3, 2)
    assert parse_date("02-03-2020", date_format=MONTH_FIRST) == date(2020, 2, 3)


def test_two_digit_years_are_refused_as_ambiguous() -> None:
    assert date_refusal("27-01-20") == (
        '"27-01-20" has a 2-digit year, which is ambiguous: '
        "write the year in full, as in DD-MM-YYYY"
    )
    assert date_refusal("01/27/20", MONTH_FIRST) == (
        '"01/27/20" has a 2-digit year, which is ambiguous: '
        "write the year in full, as in MM-DD-YYYY"
    )


@pytest.mark.parametrize(
    ("text", "date_format", "message"),
    [
        (
            "31-02-2020",
            DAY_FIRST,
            '"31-02-2020" is not a valid date read as day-month-year: February 2020 has 29 days',
        ),
        (
            "29-02-2021",
            DAY_FIRST,
            '"29-02-2021" is not a valid date read as day-month-year: February 2021 has 28 days',
        ),
        (
            "01-27-2020",
            DAY_FIRST,
            '"01-27-2020" is not a valid date read as day-month-year: there is no month 27',
        ),
        (
            "27-01-2020",
            MONTH_FIRST,
            '"27-01-2020" is not a valid date read as month-day-year: there is no month 27',
        ),
        (
            "2020-13-01",
            DAY_FIRST,
            '"2020-13-01" is not a valid date read as year-month-day: there is no month 13',
        ),
        (
            "00-01-2020",
            DAY_FIRST,
            '"00-01-2020" is not a valid date read as day-month-year: there is no day 0',
        ),
        (
            "0000-01-01",
            DAY_FIRST,
            '"0000-01-01" is not a valid date read as year-month-day: there is no year 0',
        ),
    ],
)
def test_impossible_dates_are_refused(text: str, date_format: DateFormat, message: str) -> None:
    assert date_refusal(text, date_format) == message


@pytest.mark.parametrize("text", ["yesterday", "27-01/2020", "27 01 2020", "2020-01-27T10:00", ""])
def test_other_text_is_not_a_date(text: str) -> None:
    assert date_refusal(text) == f'"{text}" is not a date: write it as DD-MM-YYYY or YYYY-MM-DD'


def test_not_a_date_names_the_month_first_pattern() -> None:
    assert date_refusal("soon", MONTH_FIRST) == (
        '"soon" is not a date: write it as MM-DD-YYYY or YYYY-MM-DD'
    )


def test_date_alone_is_midnight_in_the_time_zone() -> None:
    moment = parse_datetime("27-01-2020", date_format=DAY_FIRST, tz=KIGALI)
    assert moment == utc(2020, 1, 26, 22, 0)
    assert moment.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27-01-2020 14:30", utc(2020, 1, 27, 12, 30)),
        ("27/01/2020 14:30:15", utc(2020, 1, 27, 12, 30, 15)),
        ("27.01.2020  9:05", utc(2020, 1, 27, 7, 5)),
        ("2020-01-27T14:30", utc(2020, 1, 27, 12, 30)),
        ("2020-01-27 14:30:00", utc(2020, 1, 27, 12, 30)),
    ],
)
def test_date_and_time_without_offset_is_local(text: str, expected: datetime) -> None:
    assert parse_datetime(text, date_format=DAY_FIRST, tz=KIGALI) == expected


def test_month_first_date_with_time() -> None:
    moment = parse_datetime("01-27-2020 14:30", date_format=MONTH_FIRST, tz=KIGALI)
    assert moment == utc(2020, 1, 27, 12, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-27T14:30:00+02:00", utc(2020, 1, 27, 12, 30)),
        ("2020-01-27T14:30:00-0530", utc(2020, 1, 27, 20, 0)),
        ("2020-01-27T14:30:00+02", utc(2020, 1, 27, 12, 30)),
        ("2020-01-27T14:30:00Z", utc(2020, 1, 27, 14, 30)),
        ("2020-01-27T14:30:00.5Z", utc(2020, 1, 27, 14, 30, 0, 500000)),
        ("2020-01-27T14:30:00.123456789Z", utc(2020, 1, 27, 14, 30, 0, 123456)),
        ("2020-01-27 14:30:00 +0000", utc(2020, 1, 27, 14, 30)),
    ],
)
def test_iso_with_offset_is_taken_as_given(text: str, expected: datetime) -> None:
    assert parse_datetime(text, date_format=MONTH_FIRST, tz=NEW_YORK) == expected


def test_daylight_saving_is_applied_for_the_date() -> None:
    assert parse_datetime("2020-01-27 12:00", date_format=DAY_FIRST, tz=NEW_YORK) == utc(
        2020, 1, 27, 17
    )
    assert parse_datetime("2020-07-27 12:00", date_format=DAY_FIRST, tz=NEW_YORK) == utc(
        2020, 7, 27, 16
    )


def test_skipped_and_repeated_local_times_use_the_offset_before_the_change() -> None:
    skipped = parse_datetime("2020-03-08 02:30", date_format=DAY_FIRST, tz=NEW_YORK)
    repeated = parse_datetime("2020-11-01 01:30", date_format=DAY_FIRST, tz=NEW_YORK)
    assert skipped == utc(2020, 3, 8, 7, 30)
    assert repeated == utc(2020, 11, 1, 5, 30)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("27-01-2020 24:00", '"27-01-2020 24:00" is not a valid time: there is no hour 24'),
        ("27-01-2020 14:60", '"27-01-2020 14:60" is not a valid time: there is no minute 60'),
        ("27-01-2020 14:30:61", '"27-01-2020 14:30:61" is not a valid time: there is no second 61'),
        (
            "2020-01-27T14:30:00+24:00",
            '"2020-01-27T14:30:00+24:00" has an impossible UTC offset +24:00',
        ),
        (
            "2020-01-27T14:30:00+02:60",
            '"2020-01-27T14:30:00+02:60" has an impossible UTC offset +02:60',
        ),
        (
            "31-02-2020 10:00",
            '"31-02-2020 10:00" is not a valid date read as day-month-year: '
            "February 2020 has 29 days",
        ),
        (
            "27-01-20 10:00",
            '"27-01-20 10:00" has a 2-digit year, which is ambiguous: write the year in full, '
            "as in DD-MM-YYYY",
        ),
    ],
)
def test_impossible_times_are_refused(text: str, message: str) -> None:
    assert datetime_refusal(text) == message


@pytest.mark.parametrize(
    "text", ["tomorrow", "27-01-2020 2pm", "27-01-2020 14", "27-01-2020+02:00", "14:30"]
)
def test_other_text_is_not_a_date_time(text: str) -> None:
    assert datetime_refusal(text) == (
        f'"{text}" is not a date: write it as DD-MM-YYYY, optionally followed by a time HH:MM, '
        "or in ISO 8601 such as 2020-01-27T14:30:00Z"
    )


def test_instants_outside_the_storable_range_are_refused() -> None:
    assert datetime_refusal("9999-12-31 23:59", tz=NEW_YORK) == (
        '"9999-12-31 23:59" is outside the range of dates that can be stored'
    )
    assert datetime_refusal("0001-01-01", tz=KIGALI) == (
        '"0001-01-01" is outside the range of dates that can be stored'
    )


def test_format_date_follows_the_format() -> None:
    assert format_date(date(2020, 1, 27), date_format=DAY_FIRST) == "27-01-2020"
    assert format_date(date(2020, 1, 27), date_format=MONTH_FIRST) == "01-27-2020"


@pytest.mark.parametrize("day", [date(2020, 1, 27), date(999, 12, 3), date(1, 1, 1)])
@pytest.mark.parametrize("date_format", list(DateFormat))
def test_formatted_dates_read_back(day: date, date_format: DateFormat) -> None:
    assert parse_date(format_date(day, date_format=date_format), date_format=date_format) == day
