"""ConditionalRequestMiddleware built as a crawl builds it, called directly (no reactor)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from aggregator.middlewares.conditional import ConditionalRequestMiddleware, NotModified
from storage.db import session_scope
from storage.listing_states import Validators, get_validators, save_validators

FEED = "http://outlet.test/feed.xml"


def _middleware(database_url: str) -> ConditionalRequestMiddleware:
    crawler = get_crawler(settings_dict={"AGGREGATOR_DATABASE_URL": database_url})
    return build_from_crawler(ConditionalRequestMiddleware, crawler)


def _listing(url: str = FEED) -> Request:
    return Request(
        url, meta={"source": "outlet", "kind": "feed", "conditional": True, "listing_url": url}
    )


def test_stored_validators_become_conditional_headers(database_url: str) -> None:
    with session_scope(database_url) as session:
        save_validators(
            session, FEED, "outlet", Validators('"v1"', "Tue, 14 Nov 2023 22:13:20 GMT")
        )
    middleware = _middleware(database_url)
    request = _listing()
    middleware.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Tue, 14 Nov 2023 22:13:20 GMT"

    article = Request("http://outlet.test/a.html", meta={"source": "outlet", "via": FEED})
    middleware.process_request(article)
    assert b"If-None-Match" not in article.headers


def test_not_modified_is_counted_and_never_parsed(database_url: str) -> None:
    middleware = _middleware(database_url)
    request = _listing()
    with pytest.raises(NotModified):
        middleware.process_response(request, Response(FEED, status=304, request=request))
    assert middleware.crawler.stats.get_value("aggregator/outlet/not_modified") == 1


def test_new_validators_are_kept_only_after_a_clean_crawl(database_url: str) -> None:
    middleware = _middleware(database_url)
    request = _listing()
    response = Response(
        FEED,
        status=200,
        request=request,
        headers={"ETag": '"v2"', "Last-Modified": "Wed, 15 Nov 2023 08:00:00 GMT"},
    )
    assert middleware.process_response(request, response) is response
    middleware.spider_closed(None, "shutdown")  # type: ignore[arg-type]
    with session_scope(database_url) as session:
        assert not get_validators(session, FEED)

    middleware.spider_closed(None, "finished")  # type: ignore[arg-type]
    with session_scope(database_url) as session:
        assert get_validators(session, FEED) == Validators('"v2"', "Wed, 15 Nov 2023 08:00:00 GMT")


def test_a_failed_article_keeps_its_feed_unconditional(database_url: str) -> None:
    middleware = _middleware(database_url)
    request = _listing()
    middleware.process_response(
        request, Response(FEED, status=200, request=request, headers={"ETag": '"v3"'})
    )
    article = Request("http://outlet.test/a.html", meta={"source": "outlet", "via": FEED})
    middleware.process_exception(article, TimeoutError("took too long"))
    middleware.spider_closed(None, "finished")  # type: ignore[arg-type]
    with session_scope(database_url) as session:
        assert not get_validators(session, FEED)


def test_a_listing_the_spider_could_not_use_keeps_no_validators(database_url: str) -> None:
    middleware = _middleware(database_url)
    request = _listing()
    middleware.process_response(
        request, Response(FEED, status=200, request=request, headers={"ETag": '"v4"'})
    )
    request.meta["conditional"] = False  # what the spider does for an index or invalid feed
    middleware.spider_closed(None, "finished")  # type: ignore[arg-type]
    with session_scope(database_url) as session:
        assert not get_validators(session, FEED)


def test_without_a_database_it_is_off() -> None:
    crawler = get_crawler(settings_dict={"AGGREGATOR_DATABASE_URL": ""})
    with pytest.raises(NotConfigured):
        build_from_crawler(ConditionalRequestMiddleware, crawler)


def test_an_article_that_could_not_be_stored_keeps_its_feed_unconditional(
    database_url: str,
) -> None:
    from aggregator.source_stats import fail

    middleware = _middleware(database_url)
    request = _listing()
    middleware.process_response(
        request, Response(FEED, status=200, request=request, headers={"ETag": '"v5"'})
    )
    # Downloaded fine, but the store stage gave up on it (database down past its retries).
    fail(middleware.crawler.stats, "outlet", "http://outlet.test/a.html", "storage", "gone")
    middleware.spider_closed(None, "finished")  # type: ignore[arg-type]
    with session_scope(database_url) as session:
        assert not get_validators(session, FEED)
