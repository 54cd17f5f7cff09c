"""Run the news spider once in this process and write what it yielded and counted as JSON.

Usage: python crawl_script.py SOURCES_FILE DATABASE_URL OUT_JSON [SETTINGS_JSON]

Spider tests run it in a child process because Twisted's reactor cannot restart inside the
pytest process. The item pipelines are replaced by one that records items, so these tests see
exactly what the spider hands to the pipelines.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from aggregator.config.sources import load_sources
from aggregator.items import ArticleItem
from aggregator.source_stats import source_figures
from aggregator.spiders.news import NewsSpider

ITEMS: list[dict[str, Any]] = []


def _as_bytes(html: str | bytes) -> bytes:
    return html if isinstance(html, bytes) else html.encode()


class RecordPipeline:
    """Keeps a JSON-ready summary of every item the spider yields."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        ITEMS.append(
            {
                "source": item.source,
                "url": item.url,
                "response_url": item.response_url,
                "status": item.status,
                "hints": asdict(item.hints),
                "discovered_via": item.discovered_via,
                "fetched_at": item.fetched_at.isoformat(),
                "has_html": b"<html" in _as_bytes(item.html).lower(),
            }
        )
        return item


def main(sources_path: str, database_url: str, out: str, overrides: str = "{}") -> None:
    settings = Settings()
    settings.setmodule("aggregator.settings", priority="project")
    settings.setdict(
        {
            "AGGREGATOR_DATABASE_URL": database_url,
            "AGGREGATOR_SOURCES": sources_path,
            "AGGREGATOR_PROGRESS": "off",
            "ITEM_PIPELINES": {"__main__.RecordPipeline": 100},
            **json.loads(overrides),
        },
        priority="cmdline",
    )
    sources = load_sources(sources_path).enabled()
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, sources=sources)
    process.start()
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    result = {
        "items": ITEMS,
        "figures": {s.name: source_figures(crawler.stats, s.name) for s in sources},
        "stats": {k: v for k, v in stats.items() if isinstance(v, int | float | str)},
    }
    with open(out, "w", encoding="utf-8") as file:
        json.dump(result, file, indent=1, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:])
