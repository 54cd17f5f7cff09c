"""What every export says about an item: republication copy, attribution, dates."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.exports.item import rfc822, rfc3339

from .export_samples import sample_items


def test_edited_copy_wins_and_attribution_names_everything() -> None:
    arabic, french = sample_items()
    assert (arabic.title, arabic.summary) == ("Edited title", "Edited summary")
    assert arabic.attribution == (
        "Originally published by الجزيرة نت (by محمد علي) on 2026-11-20T10:00+03:00: "
        "https://www.aljazeera.net/news/1"
    )
    # A day-precision date keeps the outlet's calendar day, not the UTC one (Feb 3 20:00 UTC).
    assert french.original_date == "2021-02-04"
    assert french.outlet == "emaratleaks"
    assert "\x0b" not in french.title


def test_summary_falls_back_to_the_body_opening_words() -> None:
    _, french = sample_items()
    assert french.summary.startswith("Pegasus Pegasus")
    assert french.summary.endswith("…")
    assert len(french.summary) <= 601


def test_date_formats() -> None:
    moment = datetime(2026, 11, 20, 7, 5, 9, 123, tzinfo=UTC)
    assert rfc822(moment) == "Fri, 20 Nov 2026 07:05:09 GMT"
    assert rfc3339(moment) == "2026-11-20T07:05:09Z"
