"""Extraction quality of a source's runs, and the drops that raise an alert.

Each run stores what extraction found on its pages (``crawl_runs.quality``, counted by the
crawl's extract stage): how many pages, how many had a body over the floor, a title, a date,
a date from the page itself (not from the feed or the URL), authors, how many needed the
fallback extractor, the date origins and the median body length, with up to three sample URLs
of pages that lacked each field.

A *drop* compares the newest runs with the source's own baseline: the median share over the
finished runs before them. It needs a baseline of enough pages, a recent sample of enough pages,
and a fall that is large both in absolute and in relative terms, so that one page in ten
without a date is a wobble, not an alert. The drop starts at the oldest of the newest runs that
each fell against the runs before them; that run names the alert, so an ongoing drop is one
alert. Once the low figures fill half the baseline they are the new normal and nothing is
raised any more (the alert stays until someone marks it seen).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.alerts import raise_alert
from storage.runs import CrawlRun, recent_runs

# Shares of pages; each is a key of quality["found"] (and of quality["missing"]).
FIELDS = ("body", "title", "date", "page_date", "authors")
LABELS = {
    "body": "body over the floor",
    "title": "title",
    "date": "date",
    "page_date": "date on the page",
    "authors": "authors",
    "body_words": "median body length",
}
SAMPLE_URLS = 3
BASELINE_RUNS = 10  # finished runs whose median is the baseline
MIN_BASELINE_PAGES = 10
MIN_RECENT_PAGES = 8
ABSOLUTE_DROP = 0.3  # a share must fall by 30 points...
RELATIVE_DROP = 0.4  # ...and to at most 60 % of what it was
MIN_WORDS_DROP = 50  # the median body must lose this many words, and RELATIVE_DROP of them
RUNS_EXAMINED = 40
KIND = "extraction_quality"


@dataclass(frozen=True)
class QualityDrop:
    """One field of one source that fell against its baseline."""

    source: str
    field: str
    before: float  # a share (0..1), or words for body_words
    after: float
    since_run_id: int
    since: datetime
    runs: int  # runs in the drop
    pages: int  # pages those runs extracted
    samples: tuple[str, ...]

    @property
    def dedupe_key(self) -> str:
        """One key per ongoing drop: the source, the field and the run it started with."""
        return f"{KIND}:{self.source}:{self.field}:{self.since_run_id}"

    def message(self) -> str:
        """``date fell from 100% to 0% of pages since 2026-12-01 10:00 UTC (2 runs, 20 pages)``."""
        if self.field == "body_words":
            change = f"fell from {self.before:.0f} to {self.after:.0f} words"
        else:
            change = f"fell from {self.before:.0%} to {self.after:.0%} of pages"
        return (
            f"{LABELS[self.field]} {change} since {self.since:%Y-%m-%d %H:%M} UTC "
            f"({self.runs} run(s), {self.pages} pages); has the template changed?"
        )

    def details(self) -> dict[str, Any]:
        """The alert's details: plain JSON."""
        return {
            "field": self.field,
            "before": round(self.before, 3),
            "after": round(self.after, 3),
            "since": self.since.isoformat(),
            "since_run_id": self.since_run_id,
            "runs": self.runs,
            "pages": self.pages,
            "samples": list(self.samples),
        }


def quality_pages(run: CrawlRun) -> int:
    """Pages whose extraction a run recorded (0 for runs from before quality was counted)."""
    return int((run.quality or {}).get("pages", 0))


def share(run: CrawlRun, field: str) -> float | None:
    """A run's figure for ``field``: a share of pages, or the median words for body_words."""
    quality = run.quality or {}
    if field == "body_words":
        words = quality.get("median_words")
        return float(words) if words is not None else None
    pages = quality_pages(run)
    return int(quality.get("found", {}).get(field, 0)) / pages if pages else None


def _pooled(runs: Sequence[CrawlRun], field: str) -> float | None:
    if field == "body_words":
        values = [v for r in runs if (v := share(r, field)) is not None]
        return statistics.median(values) if values else None
    pages = sum(quality_pages(r) for r in runs)
    found = sum(int((r.quality or {}).get("found", {}).get(field, 0)) for r in runs)
    return found / pages if pages else None


def _baseline(runs: Sequence[CrawlRun], field: str) -> float | None:
    window = runs[:BASELINE_RUNS]
    if sum(quality_pages(r) for r in window) < MIN_BASELINE_PAGES:
        return None
    values = [v for r in window if (v := share(r, field)) is not None]
    return statistics.median(values) if values else None


def _fell(before: float, after: float, field: str) -> bool:
    floor = MIN_WORDS_DROP if field == "body_words" else ABSOLUTE_DROP
    return before - after >= floor and after <= before * (1 - RELATIVE_DROP)


def field_drop(source: str, runs: Sequence[CrawlRun], field: str) -> QualityDrop | None:
    """The drop of one field over ``runs`` (newest first), or None."""
    usable = [r for r in runs if r.status == "finished" and quality_pages(r)]
    streak = 0
    while streak < len(usable):
        before = _baseline(usable[streak + 1 :], field)
        after = share(usable[streak], field)
        if before is None or after is None or not _fell(before, after, field):
            break
        streak += 1
    if not streak:
        return None
    dropped, rest = usable[:streak], usable[streak:]
    before, after = _baseline(rest, field), _pooled(dropped, field)
    pages = sum(quality_pages(r) for r in dropped)
    if before is None or after is None or pages < MIN_RECENT_PAGES:
        return None
    if not _fell(before, after, field):
        return None
    samples: list[str] = []
    for run in dropped:
        for url in (run.quality or {}).get("missing", {}).get(field, []):
            if len(samples) < SAMPLE_URLS and url not in samples:
                samples.append(url)
    first = dropped[-1]
    return QualityDrop(
        source, field, before, after, first.id, first.started_at, streak, pages, tuple(samples)
    )


def quality_drops(source: str, runs: Sequence[CrawlRun]) -> list[QualityDrop]:
    """Every field of a source that dropped (runs newest first).

    A date that fell everywhere is one drop: ``page_date`` is left out when ``date`` fell.
    """
    drops = [d for f in (*FIELDS, "body_words") if (d := field_drop(source, runs, f))]
    if any(d.field == "date" for d in drops):
        drops = [d for d in drops if d.field != "page_date"]
    return drops


def raise_quality_alerts(session: Session, source: str) -> list[QualityDrop]:
    """Raise (or refresh) one alert per dropped field of ``source``; called as a run closes."""
    drops = quality_drops(source, recent_runs(session, source, RUNS_EXAMINED))
    for drop in drops:
        raise_alert(
            session,
            kind=KIND,
            source_name=source,
            subject=drop.field,
            message=f"{source}: {drop.message()}",
            details=drop.details(),
            dedupe_key=drop.dedupe_key,
        )
    return drops
