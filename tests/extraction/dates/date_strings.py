"""The date-string set (tests/fixtures/extraction/date-strings.json) and how it is scored.

Shared by ``test_date_strings.py`` and ``bench/extraction.py`` (ours vs plain dateparser), so
both count the same thing. A reading is right when it gives the expected local day, minute
(in UTC) or month, or nothing for a string that is not a date; a day where a minute was
expected is wrong (the time was dropped).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dateparser

from aggregator.extraction import DateValue, parse_date_string

PATH = Path(__file__).parents[2] / "fixtures/extraction/date-strings.json"


@dataclass(frozen=True)
class Case:
    """One date string as printed, what to read it with, and what a reader must get."""

    text: str
    languages: tuple[str, ...]
    zone: str
    expected: str | None


def load() -> tuple[datetime, list[Case]]:
    """(fetched_at, cases) of the set."""
    data = json.loads(PATH.read_text(encoding="utf-8"))
    fetched = datetime.fromisoformat(data["fetched_at"].replace("Z", "+00:00"))
    cases = [
        Case(c["text"], tuple(c["languages"]), c["zone"], c["expected"]) for c in data["cases"]
    ]
    return fetched, cases


def ours(case: Case, now: datetime) -> str | None:
    """Our reading in the set's notation."""
    return notation(parse_date_string(case.text, case.languages, case.zone, now))


def notation(value: DateValue | None) -> str | None:
    if value is None:
        return None
    if value.precision == "month":
        return value.value.strftime("%Y-%m")
    if value.precision == "day":
        return value.value.date().isoformat()
    return value.value.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def plain(case: Case, now: datetime) -> datetime | None:
    """Plain ``dateparser.parse`` with the same languages, zone and "now"."""
    zone = ZoneInfo(case.zone)
    settings = {
        "TIMEZONE": case.zone,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dateparser.parse(case.text, languages=list(case.languages), settings=settings)


def plain_right(case: Case, found: datetime | None) -> bool:
    """Whether plain dateparser's datetime gives what the case expects (it has no precision)."""
    want = case.expected
    if want is None or found is None:
        return want is None and found is None
    if len(want) == 7:
        return found.strftime("%Y-%m") == want
    if len(want) == 10:
        return found.astimezone(ZoneInfo(case.zone)).date().isoformat() == want
    return found.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ") == want


def scores() -> tuple[int, int, int]:
    """(cases, right by ours, right by plain dateparser)."""
    fetched, cases = load()
    mine = sum(ours(c, fetched) == c.expected for c in cases)
    theirs = sum(plain_right(c, plain(c, fetched)) for c in cases)
    return len(cases), mine, theirs
