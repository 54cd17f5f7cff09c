"""Drop detection: a source's newest runs against its own baseline, field by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storage.quality import QualityDrop, field_drop, quality_drops
from storage.runs import CrawlRun

START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
FULL = {"body": 1.0, "title": 1.0, "date": 1.0, "page_date": 1.0, "authors": 1.0}


def run(
    index: int,
    pages: int = 10,
    *,
    status: str = "finished",
    words: int = 400,
    **shares: float,
) -> CrawlRun:
    """Run number ``index`` (higher is newer) with the given share of pages per field."""
    found = {f: round(pages * shares.get(f, FULL[f])) for f in FULL}
    quality: dict[str, Any] = {
        "pages": pages,
        "found": found,
        "median_words": words,
        "missing": {f: [f"http://x.test/{index}/{f}/{n}" for n in range(3)] for f in FULL},
    }
    return CrawlRun(
        id=index,
        source_name="wire",
        status=status,
        started_at=START + timedelta(hours=index),
        quality=quality if pages else None,
    )


def newest_first(*runs: CrawlRun) -> list[CrawlRun]:
    return sorted(runs, key=lambda r: r.id, reverse=True)


def history(count: int = 6, **shares: float) -> list[CrawlRun]:
    return [run(i, **shares) for i in range(1, count + 1)]


def test_template_change_is_a_drop_with_before_after_since_and_samples() -> None:
    runs = newest_first(*history(), run(7, date=0.0, authors=0.1), run(8, date=0.0, authors=0.0))
    drops = {d.field: d for d in quality_drops("wire", runs)}
    assert set(drops) == {"date", "authors"}  # page_date is the same drop as date
    date = drops["date"]
    assert (date.before, date.after, date.runs, date.pages) == (1.0, 0.0, 2, 20)
    assert date.since_run_id == 7 and date.since == START + timedelta(hours=7)
    assert date.samples == (
        "http://x.test/8/date/0",
        "http://x.test/8/date/1",
        "http://x.test/8/date/2",
    )
    assert drops["authors"].after == pytest.approx(0.05)
    assert date.message().startswith("date fell from 100% to 0% of pages since 2026-11-20 13:00")
    assert date.dedupe_key == "extraction_quality:wire:date:7"


@pytest.mark.parametrize(
    "newest",
    [
        run(7, date=0.9),  # one page of ten without a date
        run(7, date=0.75),  # a bad day: 25 points, not enough
        run(7, words=300),  # bodies a quarter shorter
    ],
)
def test_a_wobble_is_not_a_drop(newest: CrawlRun) -> None:
    assert quality_drops("wire", newest_first(*history(), newest)) == []


def test_a_small_recent_sample_waits_for_more_pages() -> None:
    tiny = run(7, pages=3, date=0.0)
    assert field_drop("wire", newest_first(*history(), tiny), "date") is None
    # The next run confirms it: the drop starts with the tiny run.
    drop = field_drop("wire", newest_first(*history(), tiny, run(8, date=0.0)), "date")
    assert drop is not None and (drop.since_run_id, drop.pages) == (7, 13)


def test_a_short_history_is_no_baseline() -> None:
    assert quality_drops("wire", newest_first(run(1, pages=6), run(2, date=0.0))) == []


def test_a_source_that_never_had_authors_has_no_authors_drop() -> None:
    runs = newest_first(*history(authors=0.0), run(7, authors=0.0))
    assert quality_drops("wire", runs) == []


@pytest.mark.parametrize(
    ("usual", "now", "dropped"),
    [
        (0.8, 0.5, False),  # 30 points, but keeps 62% of the figure
        (0.4, 0.15, False),  # keeps 37%, but only 25 points
        (0.8, 0.4, True),
        (1.0, 0.5, True),
    ],
)
def test_a_drop_is_large_in_absolute_and_relative_terms(
    usual: float, now: float, dropped: bool
) -> None:
    runs = newest_first(*history(authors=usual), run(7, pages=20, authors=now))
    assert (field_drop("wire", runs, "authors") is not None) is dropped


def test_consent_wall_drops_bodies_and_their_length() -> None:
    runs = newest_first(*history(), run(7, body=0.0, words=12))
    drops = {d.field: d for d in quality_drops("wire", runs)}
    assert {"body", "body_words"} <= set(drops)
    assert (drops["body_words"].before, drops["body_words"].after) == (400, 12)
    assert "median body length fell from 400 to 12 words" in drops["body_words"].message()


def test_only_finished_runs_with_figures_count() -> None:
    runs = newest_first(
        *history(),
        run(7, status="failed", date=0.0),
        run(8, pages=0),  # a run from before quality was recorded
    )
    assert quality_drops("wire", runs) == []


def test_a_recovered_source_has_no_drop() -> None:
    runs = newest_first(*history(), run(7, date=0.0), run(8))
    assert field_drop("wire", runs, "date") is None


def test_a_lasting_drop_becomes_the_new_normal() -> None:
    low = [run(i, date=0.0) for i in range(7, 7 + 7)]
    assert field_drop("wire", newest_first(*history(), *low), "date") is None


def test_an_ongoing_drop_keeps_its_start() -> None:
    first = field_drop("wire", newest_first(*history(), run(7, date=0.0)), "date")
    later = field_drop("wire", newest_first(*history(), run(7, date=0.0), run(8, date=0.1)), "date")
    assert isinstance(first, QualityDrop) and isinstance(later, QualityDrop)
    assert first.dedupe_key == later.dedupe_key
    assert later.runs == 2
