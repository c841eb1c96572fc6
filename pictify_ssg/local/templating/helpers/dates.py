"""Date and time helpers with Day.js-style format strings and English names.

Accepted values: ``datetime``/``date``/``time`` objects, ISO 8601 strings (``2026-01-05``,
``2026-01-05T14:30:00Z``, ``14:30``), RFC 2822 strings (``Mon, 05 Jan 2026 14:30:00 +0000``) and
numbers as JavaScript milliseconds since the epoch (UTC). No time-zone conversion happens: a value
is shown in the offset it carries, which keeps renders identical on every machine. A value that
cannot be read as a date is printed unchanged, so a free-text date such as "Spring 2026" survives.

Format tokens: ``YYYY YY MMMM MMM MM M DD D dddd ddd HH H hh h mm m ss s A a``; text inside
``[brackets]`` is kept literally. Named formats: ``short`` (1/5/2026), ``medium`` (Jan 5, 2026),
``long`` (January 5, 2026), ``full`` (Monday, January 5, 2026), ``iso`` (2026-01-05) for dates and
``short`` (2:30 PM), ``medium`` (2:30:05 PM), ``24h`` (14:30), ``iso`` (14:30:05) for times.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Final

from pictify_ssg.local.templating.values import UNDEFINED, is_missing, is_number, to_js_string

from .registry import helper

__all__: list[str] = []

_MONTHS: Final = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS: Final = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_DATE_PRESETS: Final = {
    "short": "M/D/YYYY",
    "medium": "MMM D, YYYY",
    "long": "MMMM D, YYYY",
    "full": "dddd, MMMM D, YYYY",
    "iso": "YYYY-MM-DD",
}
_TIME_PRESETS: Final = {
    "short": "h:mm A",
    "medium": "h:mm:ss A",
    "24h": "HH:mm",
    "iso": "HH:mm:ss",
}
_TOKEN: Final = re.compile(
    r"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|A|a"
)


def _hour12(moment: datetime) -> int:
    return moment.hour % 12 or 12


_FIELDS: Final[dict[str, Callable[[datetime], str]]] = {
    "YYYY": lambda d: f"{d.year:04d}",
    "YY": lambda d: f"{d.year % 100:02d}",
    "MMMM": lambda d: _MONTHS[d.month - 1],
    "MMM": lambda d: _MONTHS[d.month - 1][:3],
    "MM": lambda d: f"{d.month:02d}",
    "M": lambda d: str(d.month),
    "DD": lambda d: f"{d.day:02d}",
    "D": lambda d: str(d.day),
    "dddd": lambda d: _DAYS[d.weekday()],
    "ddd": lambda d: _DAYS[d.weekday()][:3],
    "HH": lambda d: f"{d.hour:02d}",
    "H": lambda d: str(d.hour),
    "hh": lambda d: f"{_hour12(d):02d}",
    "h": lambda d: str(_hour12(d)),
    "mm": lambda d: f"{d.minute:02d}",
    "m": lambda d: str(d.minute),
    "ss": lambda d: f"{d.second:02d}",
    "s": lambda d: str(d.second),
    "A": lambda d: "AM" if d.hour < 12 else "PM",
    "a": lambda d: "am" if d.hour < 12 else "pm",
}


def _parse(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time):
        return datetime.combine(date(1970, 1, 1), value)
    if is_number(value):
        millis = float(value)
        if not math.isfinite(millis):
            return None
        try:
            return datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        return _parse_text(value.strip())
    return None


def _parse_text(text: str) -> datetime | None:
    if not text:
        return None
    # Python 3.10's fromisoformat does not know the "Z" suffix JavaScript's toISOString() writes.
    iso = text[:-1] + "+00:00" if text[-1:] in "zZ" else text
    for parse in (datetime.fromisoformat, _date_only, _time_only, parsedate_to_datetime):
        moment = _attempt(parse, iso if parse is not parsedate_to_datetime else text)
        if moment is not None:
            return moment
    return None


def _attempt(parse: Callable[[str], datetime], text: str) -> datetime | None:
    try:
        return parse(text)
    except (TypeError, ValueError, IndexError):  # each parser's way of saying "not mine"
        return None


def _date_only(text: str) -> datetime:
    day = date.fromisoformat(text)
    return datetime(day.year, day.month, day.day)


def _time_only(text: str) -> datetime:
    return datetime.combine(date(1970, 1, 1), time.fromisoformat(text))


def _format(value: Any, pattern: Any, presets: dict[str, str]) -> Any:
    if is_missing(value):
        return UNDEFINED
    moment = _parse(value)
    if moment is None:
        return to_js_string(value)
    text = to_js_string(pattern)
    text = presets.get(text, text)
    return _TOKEN.sub(
        lambda m: m.group()[1:-1] if m.group()[0] == "[" else _FIELDS[m.group()](moment), text
    )


@helper("date")
def date_(value: Any, format: Any = "medium") -> Any:
    """Format a date; the default ``medium`` gives ``Jan 5, 2026`` (see the module for tokens)."""
    return _format(value, format, _DATE_PRESETS)


@helper("time")
def time_(value: Any, format: Any = "short") -> Any:
    """Format a time of day; the default ``short`` gives ``2:30 PM`` (see the module for tokens)."""
    return _format(value, format, _TIME_PRESETS)
