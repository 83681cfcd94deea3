"""Dates and times as people type them, read with the workspace's date format and time zone."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from normalize.errors import InvalidValue

_YEAR_FIRST = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_YEAR_LAST = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})")
_SHORT_YEAR_LAST = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{2}")
_DATE_TIME = re.compile(
    r"(?P<date>[^\sT]+)"
    r"(?:(?:T|\s+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]{1,9}))?)?"
    r"\s*(?P<offset>Z|z|[-+][0-9]{2}(?::?[0-9]{2})?)?)?"
)

# A date format is "day_first" or "month_first" (the values of the workspace's DateFormat).
DAY_FIRST, MONTH_FIRST = "day_first", "month_first"
_PATTERNS = {DAY_FIRST: "DD-MM-YYYY", MONTH_FIRST: "MM-DD-YYYY"}
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_READINGS = {DAY_FIRST: "day-month-year", MONTH_FIRST: "month-day-year"}


def parse_date(text: str, *, date_format: str) -> date:
    """A calendar date written with 4-digit years: day/month order per `date_format`, or ISO."""
    return _read_date(text, text.strip(), date_format, with_time=False)


def parse_datetime(text: str, *, date_format: str, tz: ZoneInfo) -> datetime:
    """An instant in UTC; dates and times written without an offset are local to `tz`.

    A date alone is midnight at the start of that day. Local times that a daylight-saving
    change skips or repeats take the offset in force before the change.
    """
    written = text.strip()
    parts = _DATE_TIME.fullmatch(written)
    if parts is None:
        raise InvalidValue(text, _not_a_date(date_format, with_time=True))
    day = _read_date(text, parts["date"], date_format, with_time=True)
    moment = datetime(day.year, day.month, day.day, tzinfo=tz)
    if parts["hour"] is not None:
        moment = moment.replace(
            hour=_bounded(text, parts["hour"], 23, "hour"),
            minute=_bounded(text, parts["minute"], 59, "minute"),
            second=_bounded(text, parts["second"] or "0", 59, "second"),
            microsecond=int((parts["fraction"] or "0")[:6].ljust(6, "0")),
        )
    if parts["offset"] is not None:
        moment = moment.replace(tzinfo=_offset(text, parts["offset"]))
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise InvalidValue(text, "is outside the range of dates that can be stored") from None


def format_date(d: date, *, date_format: str) -> str:
    if date_format == MONTH_FIRST:
        return f"{d.month:02d}-{d.day:02d}-{d.year:04d}"
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def _read_date(text: str, written: str, date_format: str, *, with_time: bool) -> date:
    if year_first := _YEAR_FIRST.fullmatch(written):
        year, _, month, day = year_first.groups()
        return _calendar_date(text, int(year), int(month), int(day), "year-month-day")
    if year_last := _YEAR_LAST.fullmatch(written):
        first, _, second, year = year_last.groups()
        month, day = (second, first) if date_format == DAY_FIRST else (first, second)
        return _calendar_date(text, int(year), int(month), int(day), _READINGS[date_format])
    if _SHORT_YEAR_LAST.fullmatch(written):
        raise InvalidValue(
            text,
            "has a 2-digit year, which is ambiguous: write the year in full, "
            f"as in {_PATTERNS[date_format]}",
        )
    raise InvalidValue(text, _not_a_date(date_format, with_time=with_time))


def _calendar_date(text: str, year: int, month: int, day: int, reading: str) -> date:
    if year < 1:
        problem = "there is no year 0"
    elif not 1 <= month <= 12:
        problem = f"there is no month {month}"
    elif day < 1:
        problem = "there is no day 0"
    elif day > (days_in_month := calendar.monthrange(year, month)[1]):
        problem = f"{_MONTH_NAMES[month - 1]} {year} has {days_in_month} days"
    else:
        return date(year, month, day)
    raise InvalidValue(text, f"is not a valid date read as {reading}: {problem}")


def _bounded(text: str, written: str, highest: int, unit: str) -> int:
    value = int(written)
    if value > highest:
        raise InvalidValue(text, f"is not a valid time: there is no {unit} {value}")
    return value


def _offset(text: str, written: str) -> timezone:
    if written in ("Z", "z"):
        return UTC
    digits = written[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or "0")
    if hours > 23 or minutes > 59:
        raise InvalidValue(text, f"has an impossible UTC offset {written}")
    size = timedelta(hours=hours, minutes=minutes)
    return timezone(-size if written.startswith("-") else size)


def _not_a_date(date_format: str, *, with_time: bool) -> str:
    pattern = _PATTERNS[date_format]
    if with_time:
        return (
            f"is not a date: write it as {pattern}, optionally followed by a time HH:MM, "
            "or in ISO 8601 such as 2020-01-27T14:30:00Z"
        )
    return f"is not a date: write it as {pattern} or YYYY-MM-DD"
