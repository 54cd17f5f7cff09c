"""The canonicalize stage: canonical URL from the page when trustworthy, aliases otherwise."""

from __future__ import annotations

from scrapy.utils.misc import build_from_crawler

from aggregator.pipelines.canonicalize import CanonicalizePipeline
from tests.pipelines.conftest import make_crawler, make_item

BODY = "Le conseil municipal a adopté mardi soir un budget."


def stage() -> CanonicalizePipeline:
    return build_from_crawler(CanonicalizePipeline, make_crawler())


def test_amp_page_declaring_its_article_gets_the_article_url() -> None:
    item = make_item(
        "https://www.daily.example/rss-item?utm_source=rss",
        BODY,
        response_url="https://amp.daily.example/amp/2026/budget?amp=1",
        canonical="https://www.daily.example/2026/budget/",
    )
    item = stage().process_item(item)
    assert item.canonical_url == "https://www.daily.example/2026/budget"
    assert item.aliases == ["https://www.daily.example/rss-item"]


def test_without_declared_canonical_the_fetched_url_is_cleaned() -> None:
    url = "https://www.daily.example/2026/budget?utm_medium=feed&fbclid=1#comments"
    item = stage().process_item(make_item(url, BODY))
    assert item.canonical_url == "https://www.daily.example/2026/budget"
    assert item.aliases == []


def test_canonical_on_another_site_is_not_trusted() -> None:
    item = make_item("https://www.daily.example/a", BODY, canonical="https://wire.example/original")
    assert stage().process_item(item).canonical_url == "https://www.daily.example/a"


def test_feed_proxy_address_is_not_kept_as_alias() -> None:
    item = make_item(
        "https://feeds.proxy.example/~r/daily/~3/abc",
        BODY,
        response_url="https://www.daily.example/2026/budget",
    )
    item = stage().process_item(item)
    assert item.canonical_url == "https://www.daily.example/2026/budget"
    assert item.aliases == []
