"""The commonest English date lines, read without dateparser.

"November 19, 2019", "Nov. 19, 2019, 9:02 AM", "Monday, 18 November 2019 14:05": most dates
on English pages are one of a few shapes that name their month, so they have one reading in
every order. dateparser reads each of them in ~1-2 ms (it translates the line through its
locale tables first); a pattern reads them in microseconds, the same way: the same day, the
same time, in the same zone, with the same precision (``tests/extraction/dates/test_english.py``
holds the two to it over every shape, month spelling and time form below).

Anything else — other languages, numeric dates (whose order depends on the locale), times
before the date, zone names, relative dates, impossible days — is left to dateparser.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from aggregator.extraction.dates.validity import month_number, real_day

# English month names and abbreviations (their numbers: validity's table of month names).
_MONTH = (
    "january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|"
    "september|sept|sep|october|oct|november|nov|december|dec"
)
_WEEKDAYS = (
    "monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri|"
    "saturday|sat|sunday|sun"
)
_SHAPE = re.compile(
    rf"(?:(?:{_WEEKDAYS})\.?,?\s+)?"
    rf"(?:(?P<month1>{_MONTH})\.?\s+(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year1>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{_MONTH})\.?,?\s+(?P<year2>\d{{4}}))"
    r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d))?"
    r"(?:\s*(?P<half>[ap])\.?m\.?)?)?",
    re.IGNORECASE | re.ASCII,
)


def read_english_date(text: str, zone: tzinfo) -> datetime | None:
    """The moment an English date line of a common shape gives, in ``zone``; else None.

    A whole-line match only: a line with more in it goes to dateparser, which knows what
    the rest may mean.
    """
    match = _SHAPE.fullmatch(text)
    if match is None:
        return None
    month = month_number(match["month1"] or match["month2"])
    day = int(match["day1"] or match["day2"])
    year = int(match["year1"] or match["year2"])
    if not (1995 <= year <= 2099 and real_day(year, month, day)):
        return None  # dateparser's own handling (or our refusal) of odd years and days
    clock = _time(match)
    return None if clock is None else datetime(year, month, day, *clock, tzinfo=zone)


def _time(match: re.Match[str]) -> tuple[int, int, int] | None:
    """(hour, minute, second) on the 24-hour clock (midnight without a time); None when the
    time is no time of day ("13:05 PM", "24:10")."""
    if match["hour"] is None:
        return 0, 0, 0
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    half = (match["half"] or "").lower()
    if half and 1 <= hour <= 12:
        hour = hour % 12 + (12 if half == "p" else 0)
    elif half or hour > 23:
        return None
    return (hour, minute, second) if minute <= 59 and second <= 59 else None
