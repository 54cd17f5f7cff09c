"""The store stage on SQLite and PostgreSQL: batches, outcomes, counters, retries, failures."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from aggregator.crawl_plan import CrawlPlan, prepare_crawl
from aggregator.errors import CrawlError
from aggregator.items import ArticleItem
from aggregator.pipelines.canonicalize import CanonicalizePipeline
from aggregator.pipelines.fingerprint import FingerprintPipeline
from aggregator.pipelines.store import StorePipeline
from aggregator.source_stats import source_figures
from storage.articles import Article, ArticleRevision, ArticleUrl
from storage.db import session_scope
from storage.sources import SourceRow
from storage.stories import Story
from tests.pipelines.conftest import SOURCES, make_crawler, make_item
from tests.storage.conftest import SEEDS, pair

BODY = SEEDS["fr-enquete-hopital"]["body"]
FAST = {"AGGREGATOR_STORE_BACKOFF": 0.05, "AGGREGATOR_STORE_BATCH_DELAY": 0.05}


def crawl(
    url: str, items: list[ArticleItem], plan: CrawlPlan | None = None, **settings: Any
) -> tuple[list[ArticleItem | Exception], StorePipeline]:
    """Run items through canonicalize → fingerprint → store, concurrently, as a crawl would."""
    plan = plan or prepare_crawl(url, SOURCES, "manual")  # as the runner does before Scrapy
    crawler = make_crawler({"AGGREGATOR_DATABASE_URL": url, **plan.settings(), **FAST, **settings})
    canonicalize = build_from_crawler(CanonicalizePipeline, crawler)
    fingerprint = build_from_crawler(FingerprintPipeline, crawler)
    store = build_from_crawler(StorePipeline, crawler)

    async def one(item: ArticleItem) -> ArticleItem:
        return await store.process_item(fingerprint.process_item(canonicalize.process_item(item)))

    async def run() -> list[ArticleItem | Exception]:
        results = await asyncio.gather(*(one(i) for i in items), return_exceptions=True)
        await store.close_spider()
        return [r if isinstance(r, ArticleItem | Exception) else RuntimeError(r) for r in results]

    return asyncio.run(run()), store


def count(url: str, model: type) -> int:
    with session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_tracking_and_amp_variants_collapse_to_one_article(database_url: str) -> None:
    items = [
        make_item("https://www.daily.example/2026/incendie?utm_source=rss&utm_medium=feed", BODY),
        make_item(
            "https://amp.daily.example/amp/2026/incendie/?amp=1",
            BODY,
            canonical="https://www.daily.example/2026/incendie",
        ),
        make_item("https://m.daily.example/2026/incendie?fbclid=abc#comments", BODY),
    ]
    results, store = crawl(database_url, items, AGGREGATOR_STORE_BATCH_SIZE=1)
    assert all(isinstance(r, ArticleItem) for r in results)
    assert [r.outcome for r in results if isinstance(r, ArticleItem)] == [
        "stored",
        "unchanged",
        "unchanged",
    ]
    assert count(database_url, Article) == 1
    with session_scope(database_url) as session:
        assert session.scalars(select(ArticleUrl.url)).all() == [
            "https://www.daily.example/2026/incendie"
        ]
    assert source_figures(store.crawler.stats, "daily")["stored"] == 1


def test_an_item_is_written_at_once_when_the_writer_is_idle(database_url: str) -> None:
    # A batch delay of an hour: an item that waited for it would never be written here.
    plan = prepare_crawl(database_url, SOURCES, "manual")
    settings = {**plan.settings(), "AGGREGATOR_STORE_BATCH_DELAY": 3600}
    crawler = make_crawler({"AGGREGATOR_DATABASE_URL": database_url, **settings})
    canonicalize = build_from_crawler(CanonicalizePipeline, crawler)
    store = build_from_crawler(StorePipeline, crawler)
    items = [
        canonicalize.process_item(make_item(f"https://www.daily.example/{name}", body))
        for name, body in (("one", BODY), ("two", SEEDS["fr-enquete-greve"]["body"]))
    ]

    async def run() -> list[ArticleItem]:
        first = asyncio.ensure_future(store.process_item(items[0]))
        await asyncio.sleep(0)
        assert store._writes and not store._pending  # the idle writer took it at once
        second = asyncio.ensure_future(store.process_item(items[1]))
        await asyncio.sleep(0)
        assert [i for i, _ in store._pending] == [items[1]]  # joins the next transaction
        done = await asyncio.gather(first, second)  # ...written when the first commits
        await store.close_spider()
        return done

    assert [r.outcome for r in asyncio.run(run())] == ["stored", "stored"]


def test_batch_counts_stored_updated_and_duplicates_per_source(database_url: str) -> None:
    crawl(database_url, [make_item("https://www.daily.example/a", BODY, title="Avant")])
    syndicated = pair("syndicated")
    updated = BODY + "\n\nMise à jour à 14 h."
    items = [
        make_item("https://www.daily.example/a", updated, title="Après"),
        make_item("https://wire.example/a-copy", updated.upper(), source="wire"),
        make_item("https://wire.example/wire-story", syndicated["a"], source="wire"),
        make_item("https://www.daily.example/copy", syndicated["b"]),
    ]
    results, store = crawl(database_url, items, AGGREGATOR_STORE_BATCH_SIZE=10)
    outcomes = [r.outcome if isinstance(r, ArticleItem) else repr(r) for r in results]
    assert outcomes == ["updated", "duplicate", "stored", "near_duplicate"]
    daily = source_figures(store.crawler.stats, "daily")
    wire = source_figures(store.crawler.stats, "wire")
    assert (daily["stored"], daily["updated"], daily["duplicates"]) == (1, 1, 0)
    assert (wire["stored"], wire["updated"], wire["duplicates"]) == (1, 0, 1)
    assert count(database_url, Article) == 3
    assert count(database_url, ArticleRevision) == 1
    assert count(database_url, Story) == 1


def test_sources_are_synced_and_unknown_sources_still_stored(database_url: str) -> None:
    results, _ = crawl(database_url, [make_item("https://other.example/x", BODY, source="other")])
    assert isinstance(results[0], ArticleItem) and results[0].outcome == "stored"
    with session_scope(database_url) as session:
        rows = {r.name: r for r in session.scalars(select(SourceRow))}
        assert set(rows) == {"daily", "wire", "other"}
        assert rows["daily"].timezone == "Europe/Paris" and rows["daily"].languages == ["fr"]
        assert rows["other"].homepage == "https://other.example/"


def test_one_bad_item_fails_alone_and_is_reported(database_url: str) -> None:
    items = [
        make_item("https://www.daily.example/ok", BODY),
        make_item("https://www.daily.example/" + "x" * 3000, SEEDS["fr-enquete-greve"]["body"]),
        make_item("https://www.daily.example/ok2", SEEDS["ar-weather"]["body"]),
    ]
    results, store = crawl(database_url, items, AGGREGATOR_STORE_BATCH_SIZE=10)
    assert isinstance(results[0], ArticleItem) and isinstance(results[2], ArticleItem)
    assert isinstance(results[1], DropItem) and "could not save article" in str(results[1])
    figures = source_figures(store.crawler.stats, "daily")
    assert figures["stored"] == 2 and figures["failed"] == 1
    assert figures["reasons"] == {"storage": 1}
    assert "2048" in figures["errors"][0]["detail"]
    assert count(database_url, Article) == 2


def _hold_lock(url: str, seconds: float, started: threading.Event) -> threading.Thread:
    """Hold an exclusive SQLite lock from another connection for ``seconds``."""
    path = make_url(url).database

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        started.set()
        threading.Event().wait(seconds)
        connection.execute("COMMIT")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait()
    return thread


def test_locked_database_is_waited_out(sqlite_url: str) -> None:
    plan = prepare_crawl(sqlite_url, SOURCES, "manual")  # before the lock is taken
    started = threading.Event()
    holder = _hold_lock(sqlite_url, 0.8, started)
    try:
        results, store = crawl(
            sqlite_url,
            [make_item("https://www.daily.example/l", BODY)],
            plan,
            AGGREGATOR_STORE_LOCK_TIMEOUT=0.05,
            AGGREGATOR_STORE_RETRIES=20,
        )
    finally:
        holder.join()
    assert isinstance(results[0], ArticleItem) and results[0].outcome == "stored"
    assert store.crawler.stats.get_value("aggregator/store/retries") >= 1
    assert count(sqlite_url, Article) == 1


def test_database_locked_too_long_fails_loudly(sqlite_url: str) -> None:
    plan = prepare_crawl(sqlite_url, SOURCES, "manual")
    started = threading.Event()
    holder = _hold_lock(sqlite_url, 2.0, started)
    try:
        results, store = crawl(
            sqlite_url,
            [make_item("https://www.daily.example/l", BODY)],
            plan,
            AGGREGATOR_STORE_LOCK_TIMEOUT=0.05,
            AGGREGATOR_STORE_RETRIES=2,
        )
    finally:
        holder.join()
    assert isinstance(results[0], DropItem) and "locked" in str(results[0])
    figures = source_figures(store.crawler.stats, "daily")
    assert figures["reasons"] == {"storage": 1} and figures["stored"] == 0
    assert count(sqlite_url, Article) == 0


def test_missing_database_url_disables_the_stage() -> None:
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        build_from_crawler(StorePipeline, make_crawler({"AGGREGATOR_DATABASE_URL": ""}))


def test_an_unprepared_crawl_is_refused(database_url: str) -> None:
    with pytest.raises(CrawlError, match="AGGREGATOR_SOURCE_IDS is not set"):
        build_from_crawler(StorePipeline, make_crawler({"AGGREGATOR_DATABASE_URL": database_url}))
