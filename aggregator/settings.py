"""Scrapy settings for every crawl (``scrapy crawl news`` and ``aggregator crawl`` alike).

Runtime options (database, sources file, User-Agent, ...) come from
:mod:`aggregator.config.settings` so that the CLI, the scheduler and plain ``scrapy`` agree.
"""

from __future__ import annotations

from scrapy.settings.default_settings import EXTENSIONS_BASE as _SCRAPY_EXTENSIONS

from aggregator.config.settings import load_settings
from aggregator.discovery.limits import MAX_CHILD_SITEMAPS

_options = load_settings()

BOT_NAME = "aggregator"
SPIDER_MODULES = ["aggregator.spiders"]
NEWSPIDER_MODULE = "aggregator.spiders"

# --- what the project reads (prefixed AGGREGATOR_, see docs/configuration.md) ---------------
AGGREGATOR_DATABASE_URL = _options.database_url
AGGREGATOR_SOURCES = _options.sources
AGGREGATOR_EXTRACT_WORKERS = _options.extract_workers
AGGREGATOR_STORY_LINKING = _options.story_linking  # off: no story inputs, no linking
AGGREGATOR_TRIGGER = "manual"
AGGREGATOR_NOW = _options.now  # the crawl clock (revisits due, fetch times); empty: real time
# AGGREGATOR_SOURCE_IDS and AGGREGATOR_RUN_IDS are set per crawl by aggregator.crawl_plan.

# --- politeness ---------------------------------------------------------------------------
USER_AGENT = _options.user_agent
ROBOTSTXT_OBEY = _options.obey_robots
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = _options.concurrency_per_domain
DOWNLOAD_DELAY = _options.download_delay
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = _options.download_delay
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # a page over 10 MiB is not an article
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
# Crawl-delay from robots.txt (Scrapy parses it but does not apply it) and conditional GET for
# feeds/sitemaps. Conditional sits below RetryMiddleware (550) to see final outcomes only.
DOWNLOADER_MIDDLEWARES = {
    # robots.txt fetched for the source that needs it, so the network policy knows whose it is.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "aggregator.middlewares.robots.SourceRobotsTxtMiddleware": 100,
    "aggregator.middlewares.crawldelay.CrawlDelayMiddleware": 120,
    "aggregator.middlewares.conditional.ConditionalRequestMiddleware": 540,
    # Fleet runs only (AGGREGATOR_STASH_URL, set by the worker): article pages kept until
    # stored, served to a redelivered run; raw answers, so above redirects and decompression.
    "aggregator.middlewares.stash.PageStashMiddleware": 890,
}
AGGREGATOR_MAX_CRAWL_DELAY = 60.0  # cap on a robots.txt Crawl-delay, in seconds
AGGREGATOR_MAX_CHILD_SITEMAPS = MAX_CHILD_SITEMAPS  # newest children followed per sitemap index

# --- safety -------------------------------------------------------------------------------
# The network policy (aggregator/network_policy.py): only public addresses, checked on the
# address connected to, unless allowed here (every source) or by a source's allow_networks.
AGGREGATOR_ALLOW_NETWORKS = list(_options.allow_networks)
DOWNLOAD_HANDLERS = {
    "http": "aggregator.downloadhandlers.guarded_http.GuardedHTTPDownloadHandler",
    "https": "aggregator.downloadhandlers.guarded_http.GuardedHTTPDownloadHandler",
}
# The telnet console and 2.19's RemoteControl both run Python sent to a port: never in
# production, and a crawler has no use for them. Scrapy imports every extension its settings
# name, even one set to None, to resolve the names: RemoteControl alone loads aiohttp (~0.3 s
# of every crawl's start-up). So both are left out of the base list, not switched off in it.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
_CONSOLES = (
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.remote_control.RemoteControl",
)
EXTENSIONS_BASE = {k: v for k, v in _SCRAPY_EXTENSIONS.items() if k not in _CONSOLES}
EXTENSIONS = {
    # Closes the crawl_runs row each source's run opened with; live progress for operators.
    "aggregator.extensions.recorder.RunRecorder": 100,
    "aggregator.extensions.progress.CrawlProgress": 200,
}
AGGREGATOR_PROGRESS = "auto"  # live on a terminal, log lines otherwise; "off" to silence

# --- pipelines: the order is declared once, here ---------------------------------------------
# Items a response's output is processed with at once. Scrapy starts this many tasks for every
# response (default 100), and an article page yields one item: 100 tasks per page were ~3% of
# the main process's CPU. Listings yield requests, which need no concurrency to be scheduled.
CONCURRENT_ITEMS = 4
# Order matters: canonical URLs need the page's rel=canonical (extract), and store needs the
# canonical URL and the fingerprint of every item before anything is stored.
ITEM_PIPELINES = {
    "aggregator.pipelines.extract.ExtractPipeline": 100,
    "aggregator.pipelines.canonicalize.CanonicalizePipeline": 200,
    "aggregator.pipelines.fingerprint.FingerprintPipeline": 300,
    "aggregator.pipelines.store.StorePipeline": 400,
}

LOG_LEVEL = _options.log_level
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
