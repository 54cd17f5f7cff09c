"""The one entry point that runs a crawl: used by ``aggregator crawl``, the demo and cron.

The scheduler starts crawls by running ``python -m aggregator crawl NAME`` in a child process,
because Twisted's reactor cannot be restarted inside one process.
"""

from __future__ import annotations

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from aggregator.config.settings import Settings
from aggregator.config.sources import Source


def scrapy_settings(
    settings: Settings, *, trigger: str, progress: str, log_level: str | None = None
) -> ScrapySettings:
    """Scrapy settings from the project module with this invocation's options applied."""
    result = ScrapySettings()
    result.setmodule("aggregator.settings", priority="project")
    overrides = {
        "AGGREGATOR_DATABASE_URL": settings.database_url,
        "AGGREGATOR_SOURCES": settings.sources,
        "AGGREGATOR_EXTRACT_WORKERS": settings.extract_workers,
        "AGGREGATOR_TRIGGER": trigger,
        "AGGREGATOR_PROGRESS": progress,
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": settings.obey_robots,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrency_per_domain,
        "DOWNLOAD_DELAY": settings.download_delay,
        "AUTOTHROTTLE_START_DELAY": settings.download_delay,
        "LOG_LEVEL": log_level or settings.log_level,
    }
    result.setdict(overrides, priority="cmdline")
    return result


def run_crawl(
    settings: Settings,
    sources: list[Source],
    *,
    trigger: str = "manual",
    progress: str = "auto",
    log_level: str | None = None,
) -> list[int]:
    """Crawl ``sources`` once, to completion; return the ids of the crawl_runs rows written.

    Blocks until the crawl ends. SIGTERM/SIGINT stop it gracefully (runs are then recorded as
    interrupted); a second signal stops it at once.
    """
    from aggregator.spiders.news import NewsSpider

    process = CrawlerProcess(
        scrapy_settings(settings, trigger=trigger, progress=progress, log_level=log_level)
    )
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, sources=sources)
    process.start()
    spider = crawler.spider
    return sorted(getattr(spider, "run_ids", {}).values()) if spider else []
