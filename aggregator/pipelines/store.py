"""Stage 4: store articles in batched transactions on one writer thread.

``process_item`` queues the item and awaits the commit of its batch, so Scrapy's item count
stays honest and nothing is reported stored before it is. A batch is written at once when the
writer is idle (waiting would only delay the article: the crawl's first article used to wait
a whole delay), else when the batch being written commits, when it holds
``AGGREGATOR_STORE_BATCH_SIZE`` items, or ``AGGREGATOR_STORE_BATCH_DELAY`` seconds after its
first item, whichever comes first. Items that arrive while the writer works thus share one
transaction. The writer (:class:`storage.batches.BatchWriter`) runs off the reactor thread,
waits out a locked or unreachable database with back-off, and isolates a bad article; a
final failure is counted with reason ``storage``, logged and dropped with its cause.

Settings (Scrapy settings, defaults in brackets): AGGREGATOR_DATABASE_URL (required),
AGGREGATOR_SOURCE_IDS (required; set by :mod:`aggregator.crawl_plan`),
AGGREGATOR_STORE_BATCH_SIZE [50], AGGREGATOR_STORE_BATCH_DELAY [1.0],
AGGREGATOR_STORE_RETRIES [8], AGGREGATOR_STORE_BACKOFF [0.5], AGGREGATOR_STORE_BACKOFF_MAX
[30], AGGREGATOR_STORE_LOCK_TIMEOUT [10], AGGREGATOR_WATCH_REFRESH [30] (seconds between checks
for changed watches; new and updated articles are matched against them after each commit,
see :mod:`aggregator.pipelines.store_watches`).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector

from aggregator.crawl_plan import SOURCE_IDS, planned_ids
from aggregator.errors import CrawlError
from aggregator.items import ArticleItem, record_from_item
from aggregator.pipelines.store_watches import MATCHED, StoreTimeWatches
from aggregator.source_stats import count, fail
from storage.batches import BatchWriter, WriteResult
from storage.sources import source_id_or_create

logger = logging.getLogger(__name__)

COUNTER = {
    "stored": "stored",
    "near_duplicate": "stored",
    "updated": "updated",
    "duplicate": "duplicates",
}
Pending = tuple[ArticleItem, "asyncio.Future[WriteResult]"]


class SourceIds:
    """Source name → ``sources`` row id, as prepared for the crawl; writer thread only."""

    def __init__(self, writer: BatchWriter, ids: dict[str, int]) -> None:
        self.writer = writer
        self.ids = dict(ids)

    def id_for(self, item: ArticleItem) -> int:
        """The row id of the item's source, creating a minimal row for an unknown one."""
        if item.source not in self.ids:
            parts = urlsplit(item.response_url or item.url)
            language = item.article.language if item.article else None
            self.ids[item.source] = self.writer.run(
                lambda s: source_id_or_create(
                    s, item.source, homepage=f"{parts.scheme}://{parts.netloc}/", language=language
                )
            )
        return self.ids[item.source]


class StorePipeline:
    """Queues items, writes them in batches on one thread, resolves each item on commit."""

    def __init__(
        self,
        crawler: Crawler,
        writer: BatchWriter,
        source_ids: dict[str, int],
        batch_size: int,
        batch_delay: float,
        watch_refresh: float = 30.0,
    ) -> None:
        self.crawler = crawler
        self.writer = writer
        self.batch_size = max(1, batch_size)
        self.batch_delay = batch_delay
        self.sources = SourceIds(writer, source_ids)
        self.watches = StoreTimeWatches(writer, refresh=watch_refresh)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._pending: list[Pending] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writes: set[asyncio.Future[None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        url = settings.get("AGGREGATOR_DATABASE_URL")
        if not url:
            raise NotConfigured("AGGREGATOR_DATABASE_URL is not set")
        source_ids = planned_ids(settings, SOURCE_IDS)
        if source_ids is None:
            # Without the preparation the schema may be missing and no source row is synced.
            raise CrawlError(
                f"{SOURCE_IDS} is not set: the crawl was not prepared "
                "(crawl through aggregator.crawl.runner.run_crawl or the news spider)"
            )
        writer = BatchWriter(
            url,
            retries=settings.getint("AGGREGATOR_STORE_RETRIES", 8),
            backoff=settings.getfloat("AGGREGATOR_STORE_BACKOFF", 0.5),
            backoff_max=settings.getfloat("AGGREGATOR_STORE_BACKOFF_MAX", 30.0),
            lock_timeout=settings.getfloat("AGGREGATOR_STORE_LOCK_TIMEOUT", 10.0),
            link_stories=settings.getbool("AGGREGATOR_STORY_LINKING", True),
        )
        return cls(
            crawler,
            writer,
            source_ids,
            settings.getint("AGGREGATOR_STORE_BATCH_SIZE", 50),
            settings.getfloat("AGGREGATOR_STORE_BATCH_DELAY", 1.0),
            settings.getfloat("AGGREGATOR_WATCH_REFRESH", 30.0),
        )

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[WriteResult] = loop.create_future()
        self._pending.append((item, future))
        if len(self._pending) >= self.batch_size or not self._writes:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.batch_delay, self._flush)
        result = await future
        return self._settle(item, result)

    async def close_spider(self) -> None:
        """Write what is queued and wait for every batch to commit."""
        self._flush()
        while self._writes:
            await asyncio.gather(*list(self._writes))
        self._executor.shutdown(wait=True)
        stats = self._stats()
        if self.writer.retried:
            stats.set_value("aggregator/store/retries", self.writer.retried)
        if self.watches.hits or self.watches.errors:
            stats.set_value("aggregator/watch/hits", self.watches.hits)
            stats.set_value("aggregator/watch/errors", self.watches.errors)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(self._executor, self._write, [item for item, _ in batch])
        done: asyncio.Future[None] = asyncio.ensure_future(self._resolve(work, batch))
        self._writes.add(done)
        done.add_done_callback(self._writes.discard)

    def _write(self, items: list[ArticleItem]) -> list[WriteResult]:
        """On the writer thread: build records (resolving sources), then write them."""
        records, failed = [], {}
        for index, item in enumerate(items):
            try:
                records.append(record_from_item(item, self.sources.id_for(item)))
            except Exception as exc:  # an unusable item fails alone, with its reason
                failed[index] = f"{type(exc).__name__}: {exc}"
        written = self.writer.write(records)
        self.watches.match(
            [r.outcome.article_id for r in written if r.outcome and r.outcome.kind in MATCHED]
        )
        results = iter(written)
        return [
            WriteResult(record=None, error=failed[i]) if i in failed else next(results)
            for i in range(len(items))
        ]

    async def _resolve(self, work: asyncio.Future[list[WriteResult]], batch: list[Pending]) -> None:
        try:
            results = await work
        except Exception as exc:  # the writer itself broke: every item fails, none is lost
            logger.exception("store batch failed")
            results = [WriteResult(record=None, error=repr(exc)) for _ in batch]
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
        if self._pending and len(self._writes) <= 1:  # this write was the last: the writer is free
            self._flush()

    def _settle(self, item: ArticleItem, result: WriteResult) -> ArticleItem:
        stats = self._stats()
        url = item.canonical_url or item.response_url
        if result.outcome is None:
            detail = result.error or "unknown error"
            logger.error("could not save article %s (source %s): %s", url, item.source, detail)
            fail(stats, item.source, url, "storage", detail)
            raise DropItem(f"could not save article {url}: {detail}")
        outcome = result.outcome
        item.outcome = outcome.kind
        item.article_id = outcome.article_id
        if outcome.kind in COUNTER:
            count(stats, item.source, COUNTER[outcome.kind])
        else:
            stats.inc_value(f"aggregator/store/{outcome.kind}")
        return item

    def _stats(self) -> StatsCollector:
        stats = self.crawler.stats
        assert stats is not None
        return stats
