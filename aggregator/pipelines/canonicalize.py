"""Stage 2: give each article its canonical URL and the other URLs that lead to it.

Order matters: the page's ``rel=canonical`` comes from extraction (stage 1), and fingerprint
and store (stages 3-4) key articles by the canonical URL chosen here.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from aggregator.items import ArticleItem
from aggregator.urls import choose_canonical, site_of, url_variants


class CanonicalizePipeline:
    """Sets ``item.canonical_url`` and ``item.aliases`` (see :mod:`aggregator.urls`)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalizePipeline:
        return cls()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        article = item.article
        declared = article.canonical_url if article is not None else None
        fetched = item.response_url or item.url
        canonical = choose_canonical(fetched, declared)
        site = site_of(canonical)
        # The requested URL (before redirects) and the fetched one lead here too; another
        # site's address (a feed proxy, a shortener) is kept only if it is the same site.
        item.canonical_url = canonical
        item.aliases = [
            u for u in url_variants(item.url, fetched) if u != canonical and site_of(u) == site
        ]
        return item
