"""W3C dates of feeds and sitemaps, and the cut-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aggregator.discovery.dates import parse_w3c, too_old


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024-03", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024-03-01T09:30Z", datetime(2024, 3, 1, 9, 30, tzinfo=UTC)),
        ("2024-03-01T09:30:00+04:00", datetime(2024, 3, 1, 5, 30, tzinfo=UTC)),
        ("2024-03-01T09:30:00.123-05:00", datetime(2024, 3, 1, 14, 30, 0, 123000, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_w3c(text: str | None, expected: datetime | None) -> None:
    assert parse_w3c(text) == expected


def test_too_old() -> None:
    now = datetime(2024, 3, 10, tzinfo=UTC)
    week = timedelta(days=7)
    assert too_old(datetime(2024, 3, 1, tzinfo=UTC), week, now)
    assert not too_old(datetime(2024, 3, 5, tzinfo=UTC), week, now)
    assert not too_old(None, week, now)  # undated entries are fetched: the page will tell
    assert not too_old(datetime(2000, 1, 1, tzinfo=UTC), None, now)
