"""Per-source counters and failures of a crawl, kept in Scrapy's stats.

Spider, middlewares and pipelines report here; at the end of the crawl the run recorder turns
the figures into one ``crawl_runs`` row per source. Keeping them in stats (not in a side
channel) means they also show in Scrapy's own log and in a shared-frontier deployment.
"""

from __future__ import annotations

from typing import Any

from scrapy.statscollectors import StatsCollector

from storage.runs import MAX_RECORDED_ERRORS, MAX_RECORDED_WARNINGS, RUN_COUNTERS

COUNTERS = RUN_COUNTERS
DETAIL_LIMIT = 500


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
    return figures
