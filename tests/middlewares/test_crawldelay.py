"""CrawlDelayMiddleware: robots.txt Crawl-delay applied to the host's download slot."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.exceptions import NotConfigured
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from aggregator.middlewares.crawldelay import CrawlDelayMiddleware

ROBOTS = b"User-agent: *\nCrawl-delay: 4\nDisallow: /private/\n"


class _Downloader:
    """The two attributes of Scrapy's Downloader the middleware uses."""

    def __init__(self) -> None:
        self.slots: dict[str, Slot] = {}
        self.per_slot_settings: dict[str, dict[str, float]] = {}

    def get_slot_key(self, request: Request) -> str:
        return "outlet.test"


def _middleware(**settings: object) -> tuple[CrawlDelayMiddleware, _Downloader]:
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, **settings})
    middleware = build_from_crawler(CrawlDelayMiddleware, crawler)
    downloader = _Downloader()
    middleware._downloader = lambda: downloader  # type: ignore[method-assign]
    return middleware, downloader


def test_crawl_delay_is_applied_to_new_and_existing_slots() -> None:
    middleware, downloader = _middleware()
    request = Request("http://outlet.test/story.html")
    downloader.slots["outlet.test"] = Slot(concurrency=2, delay=0.5, jitter=0.5)
    middleware.robots_parsed(ProtegoRobotParser(ROBOTS, None), request)

    assert downloader.per_slot_settings["outlet.test"] == {"delay": 4.0, "jitter": 0.0}
    slot = downloader.slots["outlet.test"]
    assert (slot.delay, slot.jitter) == (4.0, 0.0)
    # AutoThrottle lowers the delay after a fast answer; the next request raises it again.
    slot.delay = 0.1
    middleware.process_request(Request("http://outlet.test/other.html"))
    assert slot.delay == 4.0
    assert middleware.crawler.stats.get_value("robotstxt/crawl_delay/outlet.test") == 4.0


def test_hostile_crawl_delay_is_capped() -> None:
    middleware, _downloader = _middleware(AGGREGATOR_MAX_CRAWL_DELAY=10)
    parser = ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 86400\n", None)
    middleware.robots_parsed(parser, Request("http://outlet.test/"))
    assert middleware.delays["outlet.test"] == 10.0


def test_no_crawl_delay_changes_nothing() -> None:
    middleware, downloader = _middleware()
    parser = ProtegoRobotParser(b"User-agent: *\nDisallow: /x\n", None)
    middleware.robots_parsed(parser, Request("http://outlet.test/"))
    assert middleware.delays == {} and downloader.per_slot_settings == {}


def test_off_when_robots_are_not_obeyed() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(
            CrawlDelayMiddleware, get_crawler(settings_dict={"ROBOTSTXT_OBEY": False})
        )
