"""Stage 3: fingerprint each article body for duplicate detection.

Only CPU work on the item (about 1 ms an article; the first loads numpy):
folding, an exact body hash and a MinHash signature with its LSH band keys
(:mod:`aggregator.fingerprints.fingerprint`). In a crawl the extraction process has already
done it, off the reactor (:mod:`aggregator.pipelines.extract_task`), and this stage passes
the item on; it fingerprints items that arrive without one. Matching
against stored articles needs the database and happens in the store stage, inside the
transaction that stores the article, so two copies arriving together cannot both look new.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from aggregator.fingerprints.fingerprint import fingerprint
from aggregator.items import ArticleItem


class FingerprintPipeline:
    """Sets ``item.fingerprint``: the body's exact hash and MinHash signature."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FingerprintPipeline:
        return cls()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.article is None:  # the extract stage drops these; never guess a body
            return item
        if item.fingerprint is not None:  # the extraction process made it (the crawl's case)
            return item
        item.fingerprint = fingerprint(item.article.body)
        return item
