"""The one entry point that runs a crawl: used by ``aggregator crawl``, the demo and cron.

Before Scrapy starts, the runner prepares the crawl once (:mod:`aggregator.crawl_plan`: schema,
source rows, one open run per source) and hands the ids to the components in the settings;
it returns the run ids it opened. A long-lived ``aggregator worker``
(:mod:`aggregator.fleet.worker`) builds its crawls from the same :func:`scrapy_settings`.
Once the crawl is over (off the reactor), the new alerts go to the configured webhook
(:mod:`aggregator.alerts.webhook`).
"""

from __future__ import annotations

from scrapy import Spider, signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from twisted.python.failure import Failure

from aggregator.alerts.webhook import deliver_configured
from aggregator.config.settings import Settings
from aggregator.config.sources import Source
from aggregator.crawl_plan import abandon_runs, prepare_crawl
from aggregator.errors import CrawlError


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
        "AGGREGATOR_STORY_LINKING": settings.story_linking,
        "AGGREGATOR_TRIGGER": trigger,
        "AGGREGATOR_PROGRESS": progress,
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": settings.obey_robots,
        "AGGREGATOR_ALLOW_NETWORKS": list(settings.allow_networks),
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrency_per_domain,
        "DOWNLOAD_DELAY": settings.download_delay,
        "AUTOTHROTTLE_START_DELAY": settings.download_delay,
        "LOG_LEVEL": log_level or settings.log_level,
        "AGGREGATOR_NOW": settings.now,
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
    from aggregator.spiders.news import NewsSpider  # on use: `aggregator --help` stays light

    plan = prepare_crawl(settings.database_url, sources, trigger)
    run_ids = sorted(plan.run_ids.values())
    crawl_settings = scrapy_settings(
        settings, trigger=trigger, progress=progress, log_level=log_level
    )
    crawl_settings.setdict(plan.settings(), priority="cmdline")
    process = CrawlerProcess(crawl_settings)
    crawler = process.create_crawler(NewsSpider)
    opened: list[Spider] = []

    def spider_opened(spider: Spider) -> None:
        opened.append(spider)

    crawler.signals.connect(spider_opened, signal=signals.spider_opened, weak=False)
    failures: list[BaseException | None] = []
    # Kept rather than left to Twisted, which would print it as an "Unhandled error in
    # Deferred" traceback once the process ends.
    process.crawl(crawler, sources=sources).addErrback(_keep_error, failures)
    process.start()
    if not opened:  # the recorder never saw the spider: close its runs here
        cause = f": {start_failure(failures[0])}" if failures and failures[0] else "; see the log"
        message = f"the crawl did not start{cause}"
        abandon_runs(settings.database_url, run_ids, message)
        raise CrawlError(message)
    # After the reactor stopped, in this process: the run's new alerts to the webhook.
    deliver_configured(settings)
    return run_ids


def _keep_error(failure: Failure, failures: list[BaseException | None]) -> None:
    failures.append(failure.value)


def start_failure(error: BaseException) -> str:
    """The error that kept the crawl from starting, in one line.

    When the spider cannot open (its database is down, say), Scrapy's clean-up fails in turn
    while handling that error ("Engine slot not assigned"): the error it was handling is the
    one to show.
    """
    if error.__context__ is not None and error.__cause__ is None:
        error = error.__context__
    message = " ".join(str(error).split())[:300]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
