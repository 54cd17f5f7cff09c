"""Items as the extract stage hands them on, and pipelines built as a crawl builds them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from aggregator.config.sources import Source, parse_sources
from aggregator.extraction.article import ExtractedArticle
from aggregator.items import ArticleItem
from aggregator.spiders.news import NewsSpider

SOURCES: list[Source] = parse_sources("""
sources:
  - {name: daily, homepage: "https://www.daily.example/", feeds: ["https://www.daily.example/rss"],
     languages: fr, timezone: Europe/Paris}
  - {name: wire, homepage: "https://wire.example/", feeds: ["https://wire.example/rss"],
     languages: [fr, en]}
""").sources
FETCHED = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def make_item(
    url: str,
    body: str,
    *,
    source: str = "daily",
    response_url: str | None = None,
    canonical: str | None = None,
    **article: Any,
) -> ArticleItem:
    """An item after extraction: the article fields are what the page gave."""
    article.setdefault("title", "Un titre")
    article.setdefault("language", "fr")
    extracted = ExtractedArticle(
        url=response_url or url,
        canonical_url=canonical,
        body=body,
        word_count=len(body.split()),
        **article,
    )
    return ArticleItem(
        source=source,
        url=url,
        response_url=response_url or url,
        html="",
        fetched_at=FETCHED,
        article=extracted,
    )


def make_crawler(settings: dict[str, Any] | None = None) -> Crawler:
    """A crawler whose spider carries the test sources, with stats open."""
    crawler = get_crawler(NewsSpider, settings or {})
    crawler.spider = NewsSpider(sources=SOURCES)
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return crawler
