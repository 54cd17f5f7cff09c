"""Per-source counters and failures of a crawl, kept in Scrapy's stats.

Spider, middlewares and pipelines report here; at the end of the crawl the run recorder turns
the figures into one ``crawl_runs`` row per source. Keeping them in stats (not in a side
channel) means they also show in Scrapy's own log and in a shared-frontier deployment.
"""

from __future__ import annotations

import statistics
from typing import Any

from scrapy.statscollectors import StatsCollector

from aggregator.extraction.article import MIN_ARTICLE_WORDS, ExtractedArticle
from storage.quality import FIELDS, SAMPLE_URLS
from storage.runs import MAX_RECORDED_ERRORS, MAX_RECORDED_WARNINGS, RUN_COUNTERS

COUNTERS = RUN_COUNTERS
DETAIL_LIMIT = 500
# Dates the page itself states; feed, sitemap and URL dates are what is left when it does not.
PAGE_DATE_ORIGINS = frozenset({"jsonld", "meta", "time", "text", "selector"})
WORD_SAMPLES = 5000  # body lengths kept for the median (the first pages of a long crawl)


def count(stats: StatsCollector, source: str, counter: str, n: int = 1) -> None:
    """Add ``n`` to one of a source's COUNTERS."""
    if counter not in COUNTERS:
        raise ValueError(f"unknown crawl counter {counter!r}")
    stats.inc_value(f"aggregator/{source}/{counter}", n)


def fail(stats: StatsCollector, source: str, url: str, reason: str, detail: str = "") -> None:
    """Record one failure of a source: counted, by reason, and kept (bounded) for the run."""
    count(stats, source, "failed")
    stats.inc_value(f"aggregator/{source}/reason/{reason}")
    key = f"aggregator/{source}/errors"
    errors: list[dict[str, str]] = stats.get_value(key) or []
    if len(errors) < MAX_RECORDED_ERRORS:
        errors.append({"url": url[:2048], "reason": reason, "detail": detail[:DETAIL_LIMIT]})
        stats.set_value(key, errors)


def warn(stats: StatsCollector, source: str, key: str, warning: dict[str, Any]) -> None:
    """Record (or update) one warning of a source's run under ``key``: a listing a limit cut,
    the article budget spent. Nothing is lost then, but nothing is silent either."""
    name = f"aggregator/{source}/warnings"
    warnings: dict[str, dict[str, Any]] = dict(stats.get_value(name) or {})
    if key in warnings or len(warnings) < MAX_RECORDED_WARNINGS:
        warnings[key] = warning
        stats.set_value(name, warnings)


def source_figures(stats: StatsCollector, source: str) -> dict[str, Any]:
    """Everything recorded for ``source``: counters, reasons and errors."""
    prefix = f"aggregator/{source}/"
    data = stats.get_stats()
    figures: dict[str, Any] = {c: int(data.get(prefix + c, 0)) for c in COUNTERS}
    figures["reasons"] = {
        key[len(prefix) + len("reason/") :]: value
        for key, value in data.items()
        if key.startswith(prefix + "reason/")
    }
    figures["errors"] = list(data.get(prefix + "errors") or [])
    figures["warnings"] = list((data.get(prefix + "warnings") or {}).values())
    figures["quality"] = source_quality(stats, source)
    return figures


def observe(stats: StatsCollector, source: str, url: str, article: ExtractedArticle) -> None:
    """Count what extraction found on one page (stored or not) for the run's quality figures."""
    prefix = f"aggregator/{source}/quality/"
    published = article.published
    found = {
        "body": article.word_count >= MIN_ARTICLE_WORDS and not article.challenge,
        "title": bool(article.title),
        "date": published is not None,
        "page_date": published is not None and published.origin in PAGE_DATE_ORIGINS,
        "authors": bool(article.authors),
    }
    stats.inc_value(prefix + "pages")
    for name in FIELDS:
        if found[name]:
            stats.inc_value(f"{prefix}found/{name}")
        else:
            missing: list[str] = stats.get_value(f"{prefix}missing/{name}") or []
            if len(missing) < SAMPLE_URLS:
                stats.set_value(f"{prefix}missing/{name}", [*missing, url[:2048]])
    if article.method == "fallback":
        stats.inc_value(prefix + "fallbacks")
    if published is not None:
        stats.inc_value(f"{prefix}date_origin/{published.origin}")
    words: list[int] = stats.get_value(prefix + "words") or []
    if len(words) < WORD_SAMPLES:
        words.append(article.word_count)
        stats.set_value(prefix + "words", words)


def source_quality(stats: StatsCollector, source: str) -> dict[str, Any]:
    """The quality figures of a source's run (empty when extraction saw no page)."""
    prefix = f"aggregator/{source}/quality/"
    data = stats.get_stats()
    pages = int(data.get(prefix + "pages", 0))
    if not pages:
        return {}
    words = data.get(prefix + "words") or []
    return {
        "pages": pages,
        "found": {name: int(data.get(f"{prefix}found/{name}", 0)) for name in FIELDS},
        "fallbacks": int(data.get(prefix + "fallbacks", 0)),
        "date_origins": {
            key.removeprefix(prefix + "date_origin/"): int(value)
            for key, value in data.items()
            if key.startswith(prefix + "date_origin/")
        },
        "median_words": int(statistics.median(words)) if words else None,
        "missing": {
            name: list(data.get(f"{prefix}missing/{name}") or [])
            for name in FIELDS
            if data.get(f"{prefix}missing/{name}")
        },
    }
