"""Stage 1: turn each fetched page into an ExtractedArticle, off the reactor thread.

Extraction costs about 25 ms of CPU a page. Run inline, it stalls Twisted's reactor and
downloads stop while pages are parsed (a measured crawl fell from ~6,400 to ~1,300 pages a
minute). A process pool sized to the cores keeps downloads going while pages are extracted.

Each page goes to the pool as the bytes Scrapy received and comes back extracted,
fingerprinted and with its story inputs (:mod:`aggregator.pipelines.extract_task`): the main
process neither decodes, fingerprints nor computes story features. The pool's workers fork
when the crawl schedules its first article request, not later (they are up while the first
pages download); a one-shot ``aggregator crawl`` has started (and warmed) their forkserver at
launch (:func:`aggregator.pipelines.extract_pool.start_forkserver`), a long-lived worker's
crawls share one pool.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor, Future
from dataclasses import replace
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from aggregator.config.sources import Source
from aggregator.extraction.article import ExtractedArticle, rejection
from aggregator.items import ArticleItem
from aggregator.pipelines.extract_pool import new_pool, shared_pool, start_workers
from aggregator.pipelines.extract_task import PageResult, extract_page
from aggregator.source_stats import fail, observe

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Runs :func:`aggregator.extraction.extract_article` in a process pool."""

    def __init__(self, crawler: Crawler, workers: int, stories: bool = True) -> None:
        self.crawler = crawler
        self.workers = workers
        self.stories = stories  # compute story inputs (AGGREGATOR_STORY_LINKING)
        self.pool: Executor | None = None
        self._ready: Future[None] | None = None
        self.owns_pool = True
        self._sources: dict[str, Source] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        workers = crawler.settings.getint("AGGREGATOR_EXTRACT_WORKERS", 1)
        stories = crawler.settings.getbool("AGGREGATOR_STORY_LINKING", True)
        return cls(crawler, max(1, workers), stories)

    def open_spider(self) -> None:
        # A long-lived worker's crawls share one pool (AGGREGATOR_SHARED_EXTRACT_POOL).
        self.owns_pool = not self.crawler.settings.getbool("AGGREGATOR_SHARED_EXTRACT_POOL")
        self.crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)

    def request_scheduled(self, request: Request) -> None:
        """The first article request of the crawl starts the pool (see the module's notes)."""
        if request.meta.get("kind") == "article":
            self.crawler.signals.disconnect(
                self.request_scheduled, signal=signals.request_scheduled
            )
            self.start_pool()

    def start_pool(self) -> None:
        """Open the pool and start its workers in the background (call from the reactor);
        a long-lived worker's crawls take the process's shared pool instead."""
        if self.pool is None:
            if self.owns_pool:
                self.pool = new_pool(self.workers)
                self._ready = start_workers(self.pool, self.workers)
            else:
                self.pool, self._ready = shared_pool(self.workers)

    def close_spider(self) -> None:
        if self.pool is not None and self.owns_pool:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None

    def source(self, name: str) -> Source | None:
        """The Source a page came from (the spider holds the validated list)."""
        if self._sources is None:
            spider = self.crawler.spider
            self._sources = {s.name: s for s in getattr(spider, "sources", [])}
        return self._sources.get(name)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        self.start_pool()
        assert self.pool is not None and self._ready is not None
        stats = self.crawler.stats
        assert stats is not None
        try:
            # Never submit before the workers run: a submit that forks waits, on the reactor.
            await asyncio.wrap_future(self._ready)
            future = self.pool.submit(
                extract_page,
                item.html,
                item.content_type,
                item.response_url,
                self.source(item.source),
                fetched_at=item.fetched_at,
                hints=item.hints,
                stories=self.stories,
            )
            result: PageResult = await asyncio.wrap_future(future)
        except Exception as exc:  # a hostile page must not stop the crawl
            logger.warning("extraction failed for %s: %r", item.response_url, exc)
            fail(stats, item.source, item.response_url, "extraction_error", repr(exc))
            raise DropItem(f"extraction failed for {item.response_url}: {exc!r}") from None
        article = result.article
        if item.fetch_warnings:  # a mislabelled charset, say: the stored article says so
            article = replace(article, warnings=[*item.fetch_warnings, *article.warnings])
        observe(stats, item.source, item.response_url, article)
        reason = rejection(article)
        if reason is not None:
            fail(stats, item.source, item.response_url, reason, _describe(article))
            raise DropItem(f"{reason}: {item.response_url}")
        item.article = article
        item.fingerprint = result.fingerprint
        item.story = result.story
        item.html = ""  # the page is no longer needed; keep memory flat on long crawls
        return item


def _describe(article: ExtractedArticle) -> str:
    details: dict[str, Any] = {"words": article.word_count, "title": (article.title or "")[:120]}
    notes = [w for w in article.warnings if w.startswith("charset:")]
    return ", ".join([*(f"{k}={v}" for k, v in details.items()), *notes])
