"""Live crawl progress: a status line on a terminal, plain log lines elsewhere.

Operators watching ``aggregator crawl`` see sources done, pages fetched, articles stored and
failures as they happen; under cron or the scheduler the same figures go to the log.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from twisted.internet import task


class CrawlProgress:
    """Counts in-flight requests per source and reports totals every few seconds."""

    def __init__(self, crawler: Crawler, mode: str, interval: float) -> None:
        self.crawler = crawler
        self.mode = mode
        self.interval = interval
        self.pending: Counter[str] = Counter()
        self.started: set[str] = set()
        self.total_sources = 0
        self._loop: task.LoopingCall | None = None
        self._live: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        mode = crawler.settings.get("AGGREGATOR_PROGRESS", "auto")
        if mode == "auto":
            mode = "live" if sys.stderr.isatty() else "log"
        ext = cls(crawler, mode, crawler.settings.getfloat("AGGREGATOR_PROGRESS_INTERVAL", 5.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ext.left, signal=signals.request_left_downloader)
        crawler.signals.connect(ext.left, signal=signals.request_dropped)
        return ext

    def scheduled(self, request: Request, spider: Spider) -> None:
        source = request.meta.get("source")
        if source:
            self.pending[source] += 1
            self.started.add(source)

    def left(self, request: Request, spider: Spider) -> None:
        source = request.meta.get("source")
        if source and self.pending[source] > 0:
            self.pending[source] -= 1

    def totals(self) -> dict[str, int]:
        """Figures summed over every source."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        sums: Counter[str] = Counter()
        for key, value in stats.items():
            parts = key.split("/")
            if len(parts) == 3 and parts[0] == "aggregator" and isinstance(value, int):
                sums[parts[2]] += value
        done = sum(1 for s in self.started if self.pending[s] == 0)
        return {"sources_done": done, "sources": self.total_sources, **sums}

    def line(self) -> str:
        t = self.totals()
        return (
            f"sources {t['sources_done']}/{t['sources']} · fetched {t.get('fetched', 0)} · "
            f"stored {t.get('stored', 0)} · duplicates {t.get('duplicates', 0)} · "
            f"failed {t.get('failed', 0)}"
        )

    def opened(self, spider: Spider) -> None:
        self.total_sources = len(getattr(spider, "sources", []))
        if self.mode == "off":
            return
        if self.mode == "live":
            from rich.console import Console
            from rich.live import Live

            self._live = Live(
                self.line(), console=Console(stderr=True), transient=True, refresh_per_second=4
            )
            self._live.start()
        self._loop = task.LoopingCall(self.report)
        self._loop.start(self.interval if self.mode == "log" else 0.5, now=False)

    def report(self) -> None:
        if self._live is not None:
            self._live.update(self.line())
        else:
            self._print_line()

    def _print_line(self) -> None:
        """One progress line on stderr, whatever Scrapy's log level: ``aggregator crawl``
        keeps Scrapy's INFO chatter out (``-v`` shows it), the progress stays."""
        print(f"progress: {self.line()}", file=sys.stderr, flush=True)

    def closed(self, spider: Spider) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._live is not None:
            self._live.stop()
        elif self.mode == "log":
            self._print_line()  # the final figures, even for a crawl shorter than a period
