"""A Scrapy extension that keeps one ``crawl_runs`` row per source for every crawl.

Rows are opened as ``running`` when the spider opens (so a crash or a kill leaves a visible
trace) and closed with the figures of :mod:`aggregator.crawl.report` when it closes. A crawl
stopped by SIGTERM/SIGINT closes with Scrapy's reason ``shutdown`` and is recorded as
``interrupted``.
"""

from __future__ import annotations

import logging
import os
import socket

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from aggregator.crawl.report import source_figures
from storage.db import ensure_schema, session_scope
from storage.runs import finish_run, start_run
from storage.sources import sync_source

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


class RunRecorder:
    """Opens and closes the run records of every source the spider crawls."""

    def __init__(self, crawler: Crawler, database_url: str, trigger: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.trigger = trigger
        self.run_ids: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        url = crawler.settings.get("AGGREGATOR_DATABASE_URL")
        if not url:
            raise NotConfigured("AGGREGATOR_DATABASE_URL is not set")
        recorder = cls(crawler, url, crawler.settings.get("AGGREGATOR_TRIGGER", "manual"))
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        ensure_schema(self.database_url)
        with session_scope(self.database_url) as session:
            for source in getattr(spider, "sources", []):
                row = sync_source(
                    session,
                    source.name,
                    label=source.label,
                    homepage=source.homepage,
                    languages=source.languages,
                    timezone=source.timezone,
                    enabled=source.enabled,
                    schedule=source.schedule.describe() if source.schedule else None,
                    config=source.model_dump(mode="json"),
                )
                run = start_run(
                    session,
                    source_name=source.name,
                    source_id=row.id,
                    trigger=self.trigger,
                    pid=os.getpid(),
                    host=socket.gethostname(),
                )
                self.run_ids[source.name] = run.id
        spider.run_ids = dict(self.run_ids)  # type: ignore[attr-defined]

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        with session_scope(self.database_url) as session:
            for name, run_id in self.run_ids.items():
                figures = source_figures(stats, name)
                status = run_status(reason, figures)
                message = None if status == "finished" else f"crawl closed: {reason}"
                finish_run(session, run_id, status=status, figures=figures, message=message)
                logger.info(
                    "run %s of %s: %s %s",
                    run_id,
                    name,
                    status,
                    {k: v for k, v in figures.items() if k not in {"errors"}},
                )
