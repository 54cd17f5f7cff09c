"""The fleet's page stash, seen from a crawl: keep each article response until it is stored, and
serve a redelivered run what the dead worker had already downloaded.

Every fleet run writes each article response (each hop of a redirect too) to the stash
(:mod:`aggregator.fleet.stash`) as it arrives, and deletes it once its article is stored
(``item_scraped``: the store stage is the last pipeline). Only a redelivered run
(``AGGREGATOR_STASH_READ``, set by the worker from the job's delivery count) reads it: when a
stashed URL is requested it gets the stashed response at once, with no request to the outlet
and no download delay. A run that finishes cleanly deletes what it stashed and never stored
(pages that were not articles); a killed run's leftovers expire after the TTL.

Writes go to one thread in order (a write and the delete after it never swap), off the reactor;
a broker that does not answer costs a download later, never a crawl.

It sits at 890, below the download handler and above every stock middleware that rewrites a
response (redirects at 600, decompression at 590): it stashes and serves the raw answer, so
a stashed 301 is followed and a stashed gzip body is decoded as if just downloaded.

Settings: AGGREGATOR_STASH_URL (the broker's Redis; empty turns the middleware off),
AGGREGATOR_STASH_PREFIX, AGGREGATOR_STASH_TTL (seconds), AGGREGATOR_STASH_READ,
AGGREGATOR_STASH_PAGE_BYTES, AGGREGATOR_STASH_TOTAL_BYTES.

Without a broker (every crawl on one machine) the middleware is off, and redis is not even
imported: it cost a one-shot crawl ~0.2 s of its launch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

if TYPE_CHECKING:
    from aggregator.fleet.stash import PageStash, StashedPage

log = logging.getLogger(__name__)

FLAG = "stash"  # on a response served from the stash
STASHED_STATUSES = frozenset({200, 203, 301, 302, 303, 307, 308})


def stashed_page(response: Response) -> StashedPage:
    """The parts of ``response`` a later run needs: URL, status, headers, body."""
    headers = [
        (name.decode("latin-1"), [v.decode("latin-1") for v in values])
        for name, values in response.headers.items()
    ]
    from aggregator.fleet.stash import StashedPage

    return StashedPage(response.url, response.status, headers, response.body)


def served_response(page: StashedPage, request: Request) -> Response:
    """A stashed page as the response to ``request``, of the class its headers call for."""
    headers = Headers({name: values for name, values in page.headers})
    cls = responsetypes.from_args(headers=headers, url=page.url, body=page.body)
    return cls(
        url=page.url,
        status=page.status,
        headers=headers,
        body=page.body,
        request=request,
        flags=[FLAG],
    )


class PageStashMiddleware:
    """Stashes article responses; serves them to a redelivered run instead of downloading."""

    def __init__(self, crawler: Crawler, stash: PageStash, read: bool) -> None:
        import redis

        self.unreachable = redis.RedisError  # what a broker that does not answer raises
        self.crawler = crawler
        self.stash = stash
        self.read = read
        self.available: set[str] = set()  # keys a redelivered run may be served from
        self.written: set[str] = set()  # keys this run stashed or was served, not yet stored
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stash")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageStashMiddleware:
        settings = crawler.settings
        url = settings.get("AGGREGATOR_STASH_URL")
        if not url:
            raise NotConfigured("no fleet broker: nothing is redelivered, nothing to stash")
        from aggregator.fleet.broker import PREFIX
        from aggregator.fleet.stash import PAGE_BYTES, TOTAL_BYTES, PageStash

        stash = PageStash(
            url,
            prefix=settings.get("AGGREGATOR_STASH_PREFIX") or PREFIX,
            ttl_ms=int(settings.getfloat("AGGREGATOR_STASH_TTL", 120.0) * 1000),
            page_bytes=settings.getint("AGGREGATOR_STASH_PAGE_BYTES", PAGE_BYTES),
            total_bytes=settings.getint("AGGREGATOR_STASH_TOTAL_BYTES", TOTAL_BYTES),
        )
        middleware = cls(crawler, stash, settings.getbool("AGGREGATOR_STASH_READ"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _count(self, what: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"aggregator/stash/{what}", value)

    def _submit(self, work: Callable[[], Any]) -> None:
        future = self._writer.submit(work)
        future.add_done_callback(_log_failure)

    def spider_opened(self, spider: Spider) -> None:
        """A redelivered run learns once which of its sources' pages are stashed."""
        if not self.read:
            return
        for source in getattr(spider, "sources", []):
            try:
                self.available |= self.stash.stashed_keys(source.name)
            except self.unreachable as exc:
                log.warning("page stash unreadable (pages are downloaded again): %s", exc)
        if self.available:
            log.info("%d page(s) of the previous attempt are in the stash", len(self.available))

    def process_request(self, request: Request) -> Response | None:
        if not self.available or request.meta.get("kind") != "article":
            return None
        key = self.stash.key(request.meta.get("source", ""), request.url)
        if key not in self.available:
            return None
        self.available.discard(key)
        try:
            page = self.stash.get(request.meta.get("source", ""), request.url)
        except self.unreachable as exc:
            log.warning("page stash unreadable, downloading %s: %s", request.url, exc)
            return None
        if page is None:  # expired meanwhile
            return None
        self.written.add(key)
        self._count("served")
        return served_response(page, request)

    def process_response(self, request: Request, response: Response) -> Response:
        if (
            request.meta.get("kind") != "article"
            or FLAG in response.flags
            or response.status not in STASHED_STATUSES
        ):
            return response
        source = request.meta.get("source", "")
        page = stashed_page(response)
        key = self.stash.key(source, page.url)
        self.written.add(key)

        def put() -> None:
            self._count("stashed" if self.stash.put(source, page) else "not_stashed")

        self._submit(put)
        return response

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        """The article is stored: forget its pages (every hop of its redirects)."""
        source = response.meta.get("source", "")
        urls = [*response.meta.get("redirect_urls", []), response.url]
        keys = [self.stash.key(source, url) for url in urls]
        self.written.difference_update(keys)
        self._submit(lambda: self.stash.delete(keys))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """A clean end deletes what was never stored; a cut-short run keeps it for its
        next delivery (the TTL ends it otherwise)."""
        if reason == "finished" and self.written:
            leftover = sorted(self.written)
            self._submit(lambda: self.stash.delete(leftover))
        self._writer.submit(self.stash.close)
        self._writer.shutdown(wait=False)


def _log_failure(future: Future[Any]) -> None:
    error = future.exception()
    if error is not None:
        log.warning("page stash write failed (a redelivery downloads it again): %s", error)
