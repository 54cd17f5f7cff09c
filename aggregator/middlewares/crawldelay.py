"""Honour robots.txt ``Crawl-delay``: no faster than the site asks, whatever AutoThrottle says.

Scrapy parses robots.txt (Protego exposes ``crawl_delay``) and announces each parse with the
``robots_parsed`` signal, but does not apply the delay. This middleware applies it to the
host's download slot: new slots start with it, and before every request (and after every
AutoThrottle adjustment) the slot's delay is raised back to it, without random jitter that
could go below it; the delay runs from each answer, so requests reach the outlet at least
that far apart even when one waited for its connection. A hostile ``Crawl-delay: 86400`` is
capped (AGGREGATOR_MAX_CRAWL_DELAY).
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

DEFAULT_MAX_CRAWL_DELAY = 60.0


class CrawlDelayMiddleware:
    """Keeps each host's download slot at least as slow as its robots.txt Crawl-delay."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("robots.txt is not obeyed")
        self.crawler = crawler
        self.max_delay = settings.getfloat("AGGREGATOR_MAX_CRAWL_DELAY", DEFAULT_MAX_CRAWL_DELAY)
        self.user_agent: str = (
            settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "*"
        )
        self.delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.robots_parsed, signal=signals.robots_parsed)
        # Connected after AutoThrottle (an extension, built first), so this runs after it.
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Remember the host's Crawl-delay and make new slots start with it."""
        delay = robotparser.crawl_delay(self.user_agent)
        host = urlparse_cached(request).hostname
        if not delay or delay <= 0 or not host:
            return
        delay = min(float(delay), self.max_delay)
        self.delays[host] = delay
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(f"robotstxt/crawl_delay/{host}", delay)
        downloader = self._downloader()
        if downloader is not None:
            downloader.per_slot_settings.setdefault(host, {}).update(delay=delay, jitter=0.0)
        self._apply(request)
        self._restart_gap(request)  # robots.txt has just answered

    def _downloader(self) -> Any:
        engine = self.crawler.engine
        return engine.downloader if engine is not None else None

    def _apply(self, request: Request) -> None:
        host = urlparse_cached(request).hostname
        delay = self.delays.get(host or "")
        downloader = self._downloader()
        if delay is None or downloader is None:
            return
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None and (slot.delay < delay or slot.jitter):
            slot.delay = max(slot.delay, delay)
            slot.jitter = 0.0

    def process_request(self, request: Request) -> None:
        self._apply(request)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        self._apply(request)
        self._restart_gap(request)

    def _restart_gap(self, request: Request) -> None:
        """Count the host's delay from this answer, not from when the request left.

        Scrapy spaces requests by the time they leave the slot; a request that waits for a
        new connection (the first after robots.txt, a busy machine) reaches the outlet later
        than it left, and the next one could reach it sooner than the delay after it.
        """
        host = urlparse_cached(request).hostname
        downloader = self._downloader()
        if host not in self.delays or downloader is None:
            return
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.lastseen = max(slot.lastseen, time.monotonic())
