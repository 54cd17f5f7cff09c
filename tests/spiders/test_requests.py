"""Spider requests carry plain meta and named callbacks, ready for a shared Redis frontier."""

from __future__ import annotations

import json
import pickle

from scrapy.utils.request import request_from_dict

from aggregator.config.sources import Source
from aggregator.spiders.news import NewsSpider
from aggregator.spiders.requests import article_request, listing_requests

SOURCE = Source(
    name="wire",
    homepage="https://wire.test/",
    languages=["en"],
    feeds=["https://wire.test/rss.xml"],
    sitemaps=["https://wire.test/robots.txt", "https://wire.test/news.xml"],
    start_pages=["https://wire.test/world/"],
    headers={"Accept-Language": "en"},
)


def test_listing_requests_per_kind() -> None:
    spider = NewsSpider(sources=[SOURCE])
    requests = listing_requests(spider, SOURCE)
    kinds = [(r.url, r.meta["kind"], r.callback.__name__) for r in requests]
    assert kinds == [
        ("https://wire.test/rss.xml", "feed", "parse_feed"),
        ("https://wire.test/robots.txt", "robots", "parse_robots"),
        ("https://wire.test/news.xml", "sitemap", "parse_sitemap"),
        ("https://wire.test/world/", "page", "parse_page"),
    ]
    assert all(r.errback == spider.on_error for r in requests)
    assert requests[0].headers[b"Accept-Language"] == b"en"
    assert requests[0].meta["conditional"] and not requests[1].meta.get("conditional")
    assert requests[1].meta["dont_obey_robotstxt"]


def test_requests_survive_serialisation() -> None:
    spider = NewsSpider(sources=[SOURCE])
    hints = {"title": "T", "published": "2024-05-01", "language": "en", "origin": "sitemap"}
    request = article_request(
        spider, SOURCE, "https://wire.test/a.html", hints, via="https://wire.test/news.xml"
    )
    assert json.loads(json.dumps(request.meta)) == request.meta  # plain data only
    # scrapy-redis stores request.to_dict() pickled: callbacks travel as method names.
    data = pickle.loads(pickle.dumps(request.to_dict(spider=spider)))
    assert data["callback"] == "parse_article"
    again = request_from_dict(data, spider=spider)
    assert again.callback == spider.parse_article and again.errback == spider.on_error
    assert again.meta == request.meta
    assert again.meta["hints"] == hints
