"""A Scrapy extension that closes the ``crawl_runs`` row of every source a crawl worked for.

The rows are opened as ``running`` before Scrapy starts (:mod:`aggregator.crawl_plan`), so a
crash or a kill leaves a visible trace; their ids arrive in ``AGGREGATOR_RUN_IDS``. When the
spider closes, each is closed with the figures of :mod:`aggregator.source_stats`. A crawl
stopped by SIGTERM/SIGINT closes with Scrapy's reason ``shutdown`` and is recorded as
``interrupted``.

Closing a run is also when its extraction quality is compared with the source's history
(:func:`storage.quality.raise_quality_alerts`): a drop raises or refreshes an alert.
"""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from aggregator.crawl_plan import RUN_IDS, planned_ids
from aggregator.source_stats import source_figures
from storage.db import session_scope
from storage.quality import raise_quality_alerts
from storage.runs import finish_run

logger = logging.getLogger(__name__)


def run_status(reason: str, figures: dict[str, object]) -> str:
    """Final status of one source's run from the close reason and its figures.

    A source that found nothing and failed is ``failed`` (its feeds or site are broken); a run
    cut short by a signal or a time limit is ``interrupted``.
    """
    if reason in {"shutdown", "closespider_timeout"}:
        return "interrupted"
    if reason != "finished":
        return "failed"
    if not figures.get("found") and not figures.get("not_modified") and figures.get("failed"):
        return "failed"
    return "finished"


def run_message(status: str, reason: str, figures: dict[str, object]) -> str | None:
    """What a run's row says: nothing for a finished run; for a failed or interrupted one,
    its real cause. A source can fail while the crawl as a whole closed ``finished`` (its
    feed answered 503 while the others went well): then the cause is its own first failure
    and the count by reason, not "crawl closed: finished"."""
    if status == "finished":
        return None
    if reason != "finished":
        return f"crawl closed: {reason}"
    errors = figures.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else None
    reasons = figures.get("reasons")
    counted = ""
    if isinstance(reasons, dict) and reasons:
        counted = " (" + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) + ")"
    if isinstance(first, dict):
        detail = f": {first['detail']}" if first.get("detail") else ""
        return f"{first.get('reason', 'failed')} at {first.get('url', '?')}{detail}{counted}"
    return f"nothing found and {figures.get('failed', 0)} page(s) failed{counted}"


class RunRecorder:
    """Closes the run records of every source the spider crawls."""

    def __init__(self, crawler: Crawler, database_url: str, run_ids: dict[str, int]) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.run_ids = run_ids

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        url = crawler.settings.get("AGGREGATOR_DATABASE_URL")
        if not url:
            raise NotConfigured("AGGREGATOR_DATABASE_URL is not set")
        run_ids = planned_ids(crawler.settings, RUN_IDS)
        if run_ids is None:
            raise NotConfigured(
                f"{RUN_IDS} is not set: no run was opened "
                "(crawl through aggregator.crawl.runner.run_crawl or the news spider)"
            )
        recorder = cls(crawler, url, run_ids)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        with session_scope(self.database_url) as session:
            for name, run_id in self.run_ids.items():
                figures = source_figures(stats, name)
                status = run_status(reason, figures)
                message = run_message(status, reason, figures)
                finish_run(session, run_id, status=status, figures=figures, message=message)
                logger.info(
                    "run %s of %s: %s %s",
                    run_id,
                    name,
                    status,
                    {k: v for k, v in figures.items() if k not in {"errors", "quality"}},
                )
        self.raise_alerts()

    def raise_alerts(self) -> None:
        """Compare each closed run with its source's history (after the runs are committed:
        an alert that cannot be written must not lose the runs)."""
        for name in self.run_ids:
            try:
                with session_scope(self.database_url) as session:
                    drops = raise_quality_alerts(session, name)
            except Exception:  # the crawl is over; an alert lost is logged, not fatal
                logger.exception("could not raise the quality alerts of %s", name)
                continue
            for drop in drops:
                logger.warning("extraction quality of %s: %s", name, drop.message())
