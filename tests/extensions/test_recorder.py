"""Run records: one row per source, opened by the crawl's preparation, closed by the extension."""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from aggregator.config.sources import parse_sources
from aggregator.crawl_plan import prepare_crawl
from aggregator.extensions.recorder import RunRecorder, run_status
from aggregator.source_stats import count, fail
from storage.db import session_scope
from storage.runs import CrawlRun

SOURCES = parse_sources("""
sources:
  - {name: alpha, homepage: "http://127.0.0.1:1/", feeds: ["http://127.0.0.1:1/f"], languages: en}
  - {name: beta, homepage: "http://127.0.0.1:2/", feeds: ["http://127.0.0.1:2/f"], languages: fr}
""").sources


@pytest.mark.parametrize(
    ("reason", "figures", "status"),
    [
        ("finished", {"found": 3, "failed": 1}, "finished"),
        ("finished", {"found": 0, "failed": 2}, "failed"),
        ("finished", {"not_modified": 1}, "finished"),
        ("shutdown", {"found": 3}, "interrupted"),
        ("closespider_timeout", {"found": 3}, "interrupted"),
        ("cancelled", {"found": 3}, "failed"),
    ],
)
def test_run_status(reason: str, figures: dict[str, int], status: str) -> None:
    assert run_status(reason, figures) == status


def test_rows_opened_then_closed_with_figures(database_url: str) -> None:
    plan = prepare_crawl(database_url, SOURCES, "scheduled")
    crawler = get_crawler(Spider, {"AGGREGATOR_DATABASE_URL": database_url, **plan.settings()})
    recorder = RunRecorder.from_crawler(crawler)
    spider = Spider(name="news")
    crawler.stats.open_spider()
    with session_scope(database_url) as session:
        runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.source_name)))
        assert [(r.source_name, r.status, r.trigger) for r in runs] == [
            ("alpha", "running", "scheduled"),
            ("beta", "running", "scheduled"),
        ]
    count(crawler.stats, "alpha", "found", 4)
    count(crawler.stats, "alpha", "stored", 3)
    fail(crawler.stats, "alpha", "http://127.0.0.1:1/a", "http_5xx", "503")
    fail(crawler.stats, "beta", "http://127.0.0.1:2/f", "timeout", "30 s")
    recorder.spider_closed(spider, "finished")
    with session_scope(database_url) as session:
        alpha, beta = session.scalars(select(CrawlRun).order_by(CrawlRun.source_name))
        assert (alpha.status, alpha.found, alpha.stored, alpha.failed) == ("finished", 4, 3, 1)
        assert alpha.failure_reasons == {"http_5xx": 1}
        assert alpha.errors == [
            {"url": "http://127.0.0.1:1/a", "reason": "http_5xx", "detail": "503"}
        ]
        assert alpha.finished_at is not None and alpha.finished_at >= alpha.started_at
        assert (beta.status, beta.failed, beta.failure_reasons) == ("failed", 1, {"timeout": 1})


def test_an_unprepared_crawl_records_nothing(database_url: str) -> None:
    crawler = get_crawler(Spider, {"AGGREGATOR_DATABASE_URL": database_url})
    with pytest.raises(NotConfigured, match="AGGREGATOR_RUN_IDS is not set"):
        RunRecorder.from_crawler(crawler)


def test_quality_is_stored_and_a_drop_raises_one_alert(database_url: str) -> None:
    from storage.alerts import list_alerts

    def crawl_once(with_dates: bool) -> None:
        plan = prepare_crawl(database_url, SOURCES[:1], "scheduled")
        crawler = get_crawler(Spider, {"AGGREGATOR_DATABASE_URL": database_url, **plan.settings()})
        recorder = RunRecorder.from_crawler(crawler)
        crawler.stats.open_spider()
        for n in range(10):
            prefix = "aggregator/alpha/quality/"
            crawler.stats.inc_value(prefix + "pages")
            for name in (
                "body",
                "title",
                "authors",
                *(("date", "page_date") if with_dates else ()),
            ):
                crawler.stats.inc_value(f"{prefix}found/{name}")
            if not with_dates and n < 3:
                crawler.stats.set_value(
                    f"{prefix}missing/date", [f"http://127.0.0.1:1/{i}" for i in range(n + 1)]
                )
        count(crawler.stats, "alpha", "found", 10)
        count(crawler.stats, "alpha", "stored", 10)
        recorder.spider_closed(Spider(name="news"), "finished")

    crawl_once(with_dates=True)
    with session_scope(database_url) as session:
        (run,) = session.scalars(select(CrawlRun))
        assert run.quality is not None and run.quality["pages"] == 10
        assert list_alerts(session) == []
    crawl_once(with_dates=False)
    crawl_once(with_dates=False)  # the same ongoing drop: refreshed, not repeated
    with session_scope(database_url) as session:
        (alert,) = list_alerts(session)
        assert (alert.kind, alert.source_name, alert.subject) == (
            "extraction_quality",
            "alpha",
            "date",
        )
        assert alert.occurrences == 2
        assert alert.details["before"] == 1.0 and alert.details["after"] == 0.0
        assert alert.details["runs"] == 2 and len(alert.details["samples"]) == 3
