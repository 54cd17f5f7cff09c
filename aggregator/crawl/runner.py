"""The one entry point that runs a crawl: used by ``aggregator crawl``, the demo and cron.

Before Scrapy starts, the runner prepares the crawl once (:mod:`aggregator.crawl_plan`: schema,
source rows, one open run per source) and hands the ids to the components in the settings;
it returns the run ids it opened. Once the crawl is over (off the reactor), the new alerts go
to the configured webhook (:mod:`aggregator.alerts.webhook`).

The scheduler starts crawls by running ``python -m
aggregator crawl NAME`` in a child process, because Twisted's reactor cannot be restarted
inside one process.
"""

from __future__ import annotations

import hashlib
from typing import Any

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


def redis_frontier(redis_url: str, sources: list[Source]) -> dict[str, Any]:
    """Scrapy settings that move the request queue to Redis (scrapy-redis).

    Crawler machines that crawl the same set of sources share one queue, keyed by that set, so
    a machine never receives a request for a source it was not given. The queue persists: a
    crawl that was interrupted resumes where it stopped, and one machine finishing does not
    empty the queue under the others. Seen-URL checks already live in the database, so the
    shared queue needs no shared duplicate filter.
    """
    names = ",".join(sorted(s.name for s in sources))
    key = "aggregator:" + hashlib.sha256(names.encode()).hexdigest()[:16]
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_KEY": key + ":requests",
        "SCHEDULER_DUPEFILTER_KEY": key + ":dupefilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_PERSIST": True,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": redis_url,
    }


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
    if settings.redis_url:
        crawl_settings.setdict(redis_frontier(settings.redis_url, sources), priority="cmdline")
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

    When the spider cannot open (Redis down, say), Scrapy's clean-up fails in turn while
    handling that error ("Engine slot not assigned"): the error it was handling is the one
    to show ("ConnectionError: Error 111 connecting to 127.0.0.1:6379. Connection refused.").
    """
    if error.__context__ is not None and error.__cause__ is None:
        error = error.__context__
    message = " ".join(str(error).split())[:300]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
