"""The page stash on a real Redis: a page comes back as it went in, and the bounds hold."""

from __future__ import annotations

import time

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from aggregator.config.sources import parse_sources
from aggregator.fleet.broker import PREFIX
from aggregator.fleet.stash import PageStash, StashedPage
from aggregator.middlewares.stash import PageStashMiddleware
from aggregator.spiders.news import NewsSpider
from tests.fleet.outlets import wait_until

pytestmark = pytest.mark.redis


def page(url: str, size: int) -> StashedPage:
    headers = [("Content-Type", ["text/html"]), ("Set-Cookie", ["a=1", "b=2"])]
    return StashedPage(url, 200, headers, b"\x00\xff" + b"x" * (size - 2))


def test_a_page_comes_back_whole_and_is_forgotten_once_deleted(redis_url: str) -> None:
    stash = PageStash(redis_url, prefix="t:", ttl_ms=60_000)
    sent = page("http://127.0.0.1/news/1", 5000)
    assert stash.put("one", sent)
    assert stash.get("one", sent.url) == sent
    assert stash.get("two", sent.url) is None  # per source
    assert stash.stashed_keys("one") == {stash.key("one", sent.url)}
    stash.delete([stash.key("one", sent.url)])
    assert stash.get("one", sent.url) is None
    assert stash.total() == 0


def test_the_stash_stays_within_its_bounds_and_expired_pages_free_their_room(
    redis_url: str,
) -> None:
    stash = PageStash(redis_url, prefix="t:", ttl_ms=300, page_bytes=4000, total_bytes=10_000)
    assert not stash.put("s", page("http://h/too-large", 5000))
    assert stash.put("s", page("http://h/a", 3000))
    assert stash.put("s", page("http://h/b", 3000))
    assert stash.put("s", page("http://h/a", 3000))  # the same page again takes no more room
    assert stash.put("s", page("http://h/c", 3000))
    assert not stash.put("s", page("http://h/d", 3000))  # full
    assert stash.get("s", "http://h/d") is None
    time.sleep(0.4)  # past the TTL: the pages expired, and the next put counts them out
    assert stash.put("s", page("http://h/d", 3000))
    assert 3000 < stash.total() < 4000
    assert stash.stashed_keys("s") == {stash.key("s", "http://h/d")}


SOURCES = """sources:
  - {name: wire, homepage: 'http://127.0.0.1:9/', feeds: ['http://127.0.0.1:9/f'], languages: [en]}
"""


def middleware(redis_url: str, read: bool) -> tuple[PageStashMiddleware, NewsSpider]:
    """The middleware as a crawl builds it, for a spider of one source, ``wire``."""
    settings = {
        "AGGREGATOR_STASH_URL": redis_url,
        "AGGREGATOR_STASH_TTL": 60,
        "AGGREGATOR_STASH_READ": read,
    }
    crawler = get_crawler(NewsSpider, settings)
    spider = NewsSpider(sources=parse_sources(SOURCES).sources)
    stash = PageStashMiddleware.from_crawler(crawler)
    stash.spider_opened(spider)
    return stash, spider


def article(url: str) -> Request:
    return Request(url, meta={"kind": "article", "source": "wire"})


def test_a_redelivered_run_is_served_each_hop_of_a_stashed_redirect_and_nothing_else(
    redis_url: str,
) -> None:
    first, spider = middleware(redis_url, read=False)
    old, new = "http://127.0.0.1:9/old", "http://127.0.0.1:9/new"
    moved = Response(old, status=301, headers={"Location": new}, request=article(old))
    body = b"\x1f\x8b not decoded here: the stash keeps the raw answer"
    page = HtmlResponse(
        new, body=body, headers={"ETag": '"v1"', "Content-Type": "text/html"}, request=article(new)
    )
    first.process_response(article(old), moved)
    first.process_response(article(new), page)
    first.process_response(Request(new + "/feed", meta={"kind": "feed"}), page)  # no listing
    stash = PageStash(redis_url, prefix=PREFIX, ttl_ms=1000)
    assert wait_until(lambda: len(stash.stashed_keys("wire")) == 2, 10)
    # The worker dies here; a redelivered run is served both hops, a fresh run neither.
    assert middleware(redis_url, read=False)[0].process_request(article(old)) is None
    second, _ = middleware(redis_url, read=True)
    served = second.process_request(article(old))
    assert (
        served is not None and served.status == 301 and served.headers["Location"] == new.encode()
    )
    redirected = article(new)
    redirected.meta["redirect_urls"] = [old]
    served = second.process_request(redirected)
    assert isinstance(served, HtmlResponse) and served.body == body
    assert served.headers["ETag"] == b'"v1"' and "stash" in served.flags
    assert second.process_request(article("http://127.0.0.1:9/other")) is None
    # Served pages are not stashed again; once stored, both hops are forgotten.
    second.process_response(redirected, served)
    second.item_scraped(None, served.replace(request=redirected), spider)
    assert wait_until(lambda: not stash.stashed_keys("wire"), 10)
    assert stash.total() == 0
    stats = second.crawler.stats
    assert stats is not None
    assert stats.get_value("aggregator/stash/served") == 2
    assert stats.get_value("aggregator/stash/stashed") is None
