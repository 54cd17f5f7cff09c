"""``parse_date_string`` on real-world-shaped date strings, and against plain dateparser.

The set (tests/fixtures/extraction/date-strings.json) covers many languages and the cases
plain dateparser gets wrong: numeric order by language, curly apostrophes, numeric Hijri,
times of day ("vor 29h", 時/分), relative words in it/pt, month-only dates, leading words.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aggregator.extraction import parse_date_string
from tests.extraction.dates import date_strings

FETCHED, CASES = date_strings.load()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.languages[0]}:{c.text}" for c in CASES])
def test_reads_the_date_string(case: date_strings.Case) -> None:
    assert date_strings.ours(case, FETCHED) == case.expected


def test_set_is_multilingual_and_large() -> None:
    assert len(CASES) >= 60
    assert len({c.languages[0] for c in CASES}) >= 14


def test_never_worse_than_plain_dateparser() -> None:
    """Every string plain dateparser gets right, we get right too."""
    for case in CASES:
        if date_strings.plain_right(case, date_strings.plain(case, FETCHED)):
            assert date_strings.ours(case, FETCHED) == case.expected, case.text


def test_day_precision_is_the_local_day() -> None:
    """4 Feb in Dubai starts on 3 Feb 20:00 UTC: the stored day must stay the 4th."""
    value = parse_date_string("4 فبراير 2021", ["ar"], "Asia/Dubai", FETCHED)
    assert value is not None
    assert (value.precision, value.iso(), value.local_date().isoformat()) == (
        "day",
        "2021-02-04",
        "2021-02-04",
    )


def test_month_only_has_month_precision() -> None:
    value = parse_date_string("June 2020", ["en"], "Europe/London", FETCHED)
    assert value is not None
    assert (value.precision, value.iso()) == ("month", "2020-06")


def test_provenance_and_offset_are_kept() -> None:
    value = parse_date_string("Publié le 3 février 2021 à 14h05", ["fr"], "Europe/Paris", FETCHED)
    assert value is not None
    assert (value.origin, value.offset, value.raw) == ("text", "+01:00", "3 février 2021 à 14h05")


def test_now_defaults_to_the_clock_and_zone_may_be_a_string() -> None:
    value = parse_date_string("2 hours ago", ("en",), "UTC")
    assert value is not None
    assert abs((datetime.now(UTC) - value.value).total_seconds() - 7200) < 120
