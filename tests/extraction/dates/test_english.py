"""The English fast path reads every common shape exactly as dateparser does.

Each line below is read twice, by :func:`read_english_date` and by dateparser with the
settings our reader gives it; the two must agree on the moment (same zone, same instant) or
the fast path must leave the line to dateparser. Lines the fast path must not take are
checked to fall through.
"""

from __future__ import annotations

import itertools
import warnings
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from dateparser.date import DateDataParser

from aggregator.extraction.dates.english import read_english_date
from aggregator.extraction.dates.reader import TextContext, parse_date_string
from aggregator.extraction.dates.validity import impossible_date

ZONES = ("America/New_York", "Asia/Kolkata", "Europe/London", "UTC")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
MONTHS = ("January", "Feb", "Feb.", "MAR", "april", "May", "Jun", "July", "Aug.", "Sept",
          "Sep", "October", "nov", "DECEMBER")  # fmt: skip
DAYS = ("1", "09", "18th", "22nd", "3rd", "31st")
TIMES = ("", ", 9:02 AM", " 9:02 pm", " 14:05", " 12:30 AM", " 12:15 p.m.", ", 23:59:58",
         " at 7:07 PM", " 0:13")  # fmt: skip
WEEKDAYS = ("", "Monday, ", "Fri ", "Tues. ", "Thurs. ")
DATEPARSER_UNKNOWN = ("Thurs", "Thur")  # weekday spellings dateparser 1.x reads as no date


def lines() -> list[str]:
    found = []
    for month, day, time, weekday in itertools.product(MONTHS, DAYS, TIMES, WEEKDAYS):
        found.append(f"{weekday}{month} {day}, 2019{time}")
        found.append(f"{weekday}{day.removesuffix('th')} {month} 2024{time}")
    return found


def dateparser_reading(line: str, zone: str) -> datetime | None:
    context = TextContext(("en",), ZoneInfo(zone), NOW)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = DateDataParser(languages=["en"], settings=context.settings()).get_date_data(line)
    return data.date_obj


@pytest.mark.parametrize("zone", ZONES)
def test_every_common_shape_reads_as_dateparser_reads_it(zone: str) -> None:
    taken = 0
    for line in lines():
        ours = read_english_date(line, ZoneInfo(zone))
        if ours is None:
            continue  # left to dateparser: never a different reading
        taken += 1
        theirs = dateparser_reading(line, zone)
        if line.startswith(DATEPARSER_UNKNOWN):  # its gap; it reads the rest of the line
            assert theirs is None, line
            theirs = dateparser_reading(line.split(None, 1)[1], zone)
        assert theirs is not None, line
        assert (ours, ours.utcoffset()) == (theirs, theirs.utcoffset()), line
    # Every line of these shapes is taken, but those of a day that does not exist ("Feb 31").
    assert taken == sum(1 for line in lines() if impossible_date(line) is None)


@pytest.mark.parametrize(
    "line",
    [
        "03/05/2013",  # numeric: the order is the locale's
        "Nov 19, 2019 7:07 PM EST",  # a zone name
        "7:07 PM EST Nov 19, 2019",  # time first
        "2 hours ago",
        "February 30, 2024",  # no such day: refused elsewhere, never rounded here
        "November 2019",  # a month
        "Nov 19, 2019 13:05 PM",  # no such time
        "le 19 novembre 2019",
        "Published Nov 19, 2019 by Jane",
    ],
)
def test_other_lines_are_left_to_dateparser(line: str) -> None:
    assert read_english_date(line, UTC) is None


def test_the_reader_gives_the_same_values_with_the_fast_path() -> None:
    # Through the public reader: day precision without a time, minute with one, local day kept.
    day = parse_date_string("Monday, November 18th, 2019", ["en"], "Asia/Kolkata", NOW)
    assert day is not None and (day.precision, day.local_date().isoformat()) == (
        "day",
        "2019-11-18",
    )
    moment = parse_date_string("Nov. 19, 2019, 9:02 PM", ["en"], "America/New_York", NOW)
    assert moment is not None and moment.precision == "minute"
    assert moment.iso() == "2019-11-20T02:02:00Z"
