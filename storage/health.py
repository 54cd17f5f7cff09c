"""How each source is doing: last runs, recent articles, and warnings worth an operator's eye.

Read by ``aggregator status`` (and anything else that wants it) from ``crawl_runs`` and
``articles`` only. Three warnings catch what peers notice late: a source gone *quiet* for much
longer than its usual rhythm (the feed moved, the site blocks us), *extraction failing*
when the share of failed pages jumps (the site changed its template), and *quality* when a
field extraction used to find (dates, authors, full bodies) drops against the source's own
history (:mod:`storage.quality`; the same drops raise alerts). The warnings the last run
recorded are shown too: a listing a size or entry limit cut (*listing_cut*, naming the listing,
entries kept of those read and bytes read) and the article budget spent (*budget*).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

import storage.models  # noqa: F401  (complete metadata: foreign keys resolve)
from storage.articles import Article
from storage.quality import quality_drops
from storage.runs import CrawlRun, last_success_at, recent_runs
from storage.sources import SourceRow

RUNS_EXAMINED = 50
RECENT_RUNS = 3  # runs whose failure share is compared with the week before
FAILING_STREAK = 3  # failed runs in a row that make a warning
QUIET_FACTOR = 4  # silent for this many times the usual gap between articles...
QUIET_FLOOR = timedelta(hours=6)  # ...and at least this long
RHYTHM_WINDOW = timedelta(days=28)
RHYTHM_ARTICLES = 200
MIN_ARTICLES_FOR_RHYTHM = 5
MIN_PAGES = 5  # fewer pages than this say nothing about extraction
EXTRACTION_ALARM = 0.5
EXTRACTION_JUMP = 0.3
RUN_WARNINGS_SHOWN = 3  # of the last run's warnings; the rest are summed up in one more


@dataclass(frozen=True)
class HealthWarning:
    """One thing wrong with a source: ``kind`` is never_crawled, failing, quiet, extraction,
    quality, or one the last run recorded (listing_cut, budget)."""

    kind: str
    message: str


@dataclass
class SourceHealth:
    """The state of one source, as ``aggregator status`` shows it."""

    name: str
    last_run_at: datetime | None = None
    last_status: str | None = None
    last_message: str | None = None
    last_success_at: datetime | None = None
    articles_24h: int = 0
    articles_7d: int = 0
    consecutive_failures: int = 0
    failed_share: float | None = None
    last_article_at: datetime | None = None  # newest publication time
    last_found_at: datetime | None = None  # when the newest-found article was first seen
    usual_gap: timedelta | None = None
    warnings: list[HealthWarning] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types: ISO dates, seconds for the usual gap."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        data["usual_gap"] = self.usual_gap.total_seconds() if self.usual_gap else None
        return data


def pages(run: CrawlRun) -> int:
    """Article pages a run processed, successfully or not."""
    return run.stored + run.updated + run.duplicates + run.failed


def failure_share(runs: Sequence[CrawlRun]) -> tuple[float | None, int]:
    """Share of failed pages over ``runs`` and the number of pages it is based on."""
    total = sum(pages(r) for r in runs)
    return (sum(r.failed for r in runs) / total if total else None), total


def consecutive_failures(runs: Sequence[CrawlRun]) -> int:
    """Failed runs since the last finished one (newest first; interruptions do not count)."""
    streak = 0
    for run in runs:
        if run.status == "finished":
            break
        if run.status == "failed":
            streak += 1
    return streak


def extraction_warning(runs: Sequence[CrawlRun], now: datetime) -> HealthWarning | None:
    """A warning when the last runs failed on many more pages than the week before."""
    closed = [r for r in runs if r.status != "running" and pages(r)]
    recent = closed[:RECENT_RUNS]
    baseline = [r for r in closed[RECENT_RUNS:] if r.started_at >= now - timedelta(days=7)]
    share, total = failure_share(recent)
    if share is None or total < MIN_PAGES or share < EXTRACTION_ALARM:
        return None
    before, before_total = failure_share(baseline)
    if before is not None and before_total >= MIN_PAGES and share - before < EXTRACTION_JUMP:
        return None
    reasons: Counter[str] = Counter()
    for run in recent:
        reasons.update({k: int(v) for k, v in (run.failure_reasons or {}).items()})
    was = f" (was {before:.0%})" if before is not None and before_total >= MIN_PAGES else ""
    top = ", ".join(f"{k} ×{v}" for k, v in reasons.most_common(2))
    return HealthWarning(
        "extraction",
        f"{share:.0%} of pages failed in the last {len(recent)} run(s){was}"
        + (f": {top}" if top else "")
        + "; has the site changed its template?",
    )


def usual_gap(times: Sequence[datetime]) -> timedelta | None:
    """Median gap between consecutive articles (newest first) in the rhythm window."""
    if len(times) < MIN_ARTICLES_FOR_RHYTHM:
        return None
    window = [t for t in times if t >= times[0] - RHYTHM_WINDOW]
    if len(window) < MIN_ARTICLES_FOR_RHYTHM:
        return None
    gaps = [(a - b).total_seconds() for a, b in pairwise(window)]
    return timedelta(seconds=statistics.median(gaps))


def quiet_warning(health: SourceHealth, now: datetime) -> HealthWarning | None:
    """A warning when successful crawls found nothing new for far longer than usual.

    The rhythm comes from publication times (how often the outlet publishes), the silence
    from discovery times (since when our crawls found nothing new): an archive of old
    articles found this morning is not a quiet source.
    """
    newest, gap = health.last_found_at, health.usual_gap
    if newest is None or gap is None or health.last_success_at is None:
        return None
    limit = max(gap * QUIET_FACTOR, QUIET_FLOOR)
    silence = now - newest
    if silence <= limit or health.last_success_at <= newest + limit:
        return None
    return HealthWarning(
        "quiet",
        f"no new article for {_span(silence)} though it usually publishes every "
        f"{_span(gap)}; check its feeds and pages",
    )


def source_health(session: Session, names: Sequence[str], now: datetime) -> list[SourceHealth]:
    """The health of each named source, in the order given."""
    counts = _article_counts(session, now)
    report = []
    for name in names:
        health = SourceHealth(
            name, articles_24h=counts.get(name, (0, 0))[0], articles_7d=counts.get(name, (0, 0))[1]
        )
        _fill_runs(session, health, now)
        _fill_rhythm(session, health, now)
        report.append(health)
    return report


def _fill_runs(session: Session, health: SourceHealth, now: datetime) -> None:
    runs = recent_runs(session, health.name, RUNS_EXAMINED)
    if not runs:
        health.warnings.append(HealthWarning("never_crawled", "never crawled"))
        return
    latest = runs[0]
    health.last_run_at, health.last_status = latest.started_at, latest.status
    health.last_message = latest.message
    health.last_success_at = last_success_at(session, health.name)
    health.consecutive_failures = consecutive_failures(runs)
    health.failed_share = failure_share(
        [r for r in runs if r.started_at >= now - timedelta(days=7)]
    )[0]
    if health.consecutive_failures >= FAILING_STREAK:
        last_failed = next(r for r in runs if r.status == "failed")
        health.warnings.append(
            HealthWarning(
                "failing",
                f"{health.consecutive_failures} runs failed in a row"
                + (f" (last: {last_failed.message[:200]})" if last_failed.message else ""),
            )
        )
    warning = extraction_warning(runs, now)
    if warning:
        health.warnings.append(warning)
    health.warnings.extend(
        HealthWarning("quality", drop.message()) for drop in quality_drops(health.name, runs)
    )
    health.warnings.extend(run_warnings(runs))


def run_warnings(runs: Sequence[CrawlRun]) -> list[HealthWarning]:
    """What the last closed run (newest first) left out on purpose, as warnings."""
    last = next((r for r in runs if r.status != "running"), None)
    recorded = [w for w in (last.warnings or []) if isinstance(w, dict)] if last else []
    warnings = [
        HealthWarning(str(w.get("kind") or "listing_cut"), str(w.get("message") or w))
        for w in recorded[:RUN_WARNINGS_SHOWN]
    ]
    if len(recorded) > RUN_WARNINGS_SHOWN:
        more = len(recorded) - RUN_WARNINGS_SHOWN
        warnings.append(HealthWarning("listing_cut", f"and {more} more cut listing(s)"))
    return warnings


def _fill_rhythm(session: Session, health: SourceHealth, now: datetime) -> None:
    times = list(
        session.scalars(
            select(Article.sort_at)
            .join(SourceRow, Article.source_id == SourceRow.id)
            .where(SourceRow.name == health.name, Article.sort_at <= now)
            .order_by(Article.sort_at.desc())
            .limit(RHYTHM_ARTICLES)
        )
    )
    health.last_article_at = times[0] if times else None
    health.last_found_at = session.scalar(
        select(func.max(Article.first_seen_at))
        .join(SourceRow, Article.source_id == SourceRow.id)
        .where(SourceRow.name == health.name)
    )
    health.usual_gap = usual_gap(times)
    warning = quiet_warning(health, now)
    if warning:
        health.warnings.append(warning)


def _article_counts(session: Session, now: datetime) -> dict[str, tuple[int, int]]:
    """Articles first seen in the last 24 hours and 7 days, per source name."""
    day = now - timedelta(days=1)
    rows = session.execute(
        select(
            SourceRow.name,
            func.sum(case((Article.first_seen_at >= day, 1), else_=0)),
            func.count(Article.id),
        )
        .join(Article, Article.source_id == SourceRow.id)
        .where(Article.first_seen_at >= now - timedelta(days=7))
        .group_by(SourceRow.name)
    ).all()
    return {name: (int(last_day or 0), int(week)) for name, last_day, week in rows}


def _span(value: timedelta) -> str:
    """``3d 4h``, ``5h 10m`` or ``12m``: precise enough for a warning."""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"
