"""Crawler settings that must hold in production."""

from __future__ import annotations

from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from aggregator.config.settings import load_settings
from aggregator.crawl.runner import scrapy_settings
from aggregator.crawl_plan import CrawlPlan
from aggregator.spiders.news import NewsSpider


def _settings() -> Settings:
    return scrapy_settings(load_settings({}), trigger="manual", progress="off")


def test_code_execution_consoles_are_off() -> None:
    settings = _settings()
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    values = settings.copy_to_dict()
    for key in ("TWISTED_REACTOR", "TWISTED_REACTOR_ENABLED"):  # no reactor in unit tests
        values.pop(key, None)
    values.update(CrawlPlan(source_ids={}, run_ids={}).settings())  # as run_crawl hands them
    crawler = get_crawler(NewsSpider, values)
    enabled = {type(e).__name__ for e in crawler.extensions.middlewares}
    assert "TelnetConsole" not in enabled
    assert "RemoteControl" not in enabled
    assert "RunRecorder" in enabled
    # Not even named: Scrapy imports every extension it names (RemoteControl loads aiohttp).
    named = set(settings.getwithbase("EXTENSIONS"))
    assert not {n for n in named if "telnet" in n or "remote_control" in n}
    assert "scrapy.extensions.corestats.CoreStats" in named


def test_items_of_a_response_are_processed_with_little_concurrency() -> None:
    # An article page yields one item: Scrapy's default (100 tasks per response) is CPU lost.
    assert 1 <= _settings().getint("CONCURRENT_ITEMS") <= 8


def test_pipelines_run_in_the_declared_order() -> None:
    order = sorted(_settings().getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1])
    assert [name.rsplit(".", 1)[1] for name, _ in order] == [
        "ExtractPipeline",
        "CanonicalizePipeline",
        "FingerprintPipeline",
        "StorePipeline",
    ]


def test_politeness() -> None:
    settings = _settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert "newsroom-aggregator" in settings.get("USER_AGENT")
    assert "+http" in settings.get("USER_AGENT")


def test_cli_options_reach_scrapy() -> None:
    options = load_settings({}).with_overrides(database_url="sqlite:///x.db", extract_workers=3)
    settings = scrapy_settings(options, trigger="scheduled", progress="log")
    assert settings.get("AGGREGATOR_DATABASE_URL") == "sqlite:///x.db"
    assert settings.getint("AGGREGATOR_EXTRACT_WORKERS") == 3
    assert settings.get("AGGREGATOR_TRIGGER") == "scheduled"


def test_the_network_policy_guards_every_http_download() -> None:
    settings = _settings()
    guarded = "aggregator.downloadhandlers.guarded_http.GuardedHTTPDownloadHandler"
    assert settings.getdict("DOWNLOAD_HANDLERS") == {"http": guarded, "https": guarded}
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    assert middlewares["aggregator.middlewares.robots.SourceRobotsTxtMiddleware"] == 100
    assert settings.getlist("AGGREGATOR_ALLOW_NETWORKS") == []  # public addresses only
    options = load_settings({"AGGREGATOR_ALLOW_NETWORKS": "10.0.0.0/8"})
    allowed = scrapy_settings(options, trigger="manual", progress="off")
    assert allowed.getlist("AGGREGATOR_ALLOW_NETWORKS") == ["10.0.0.0/8"]
