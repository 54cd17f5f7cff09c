"""``scrapy crawl news -a source=x`` (a typo for ``sources=``) is refused, not a crawl of
every source (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError

from aggregator.spiders.news import NewsSpider

ROOT = Path(__file__).parents[2]


def test_an_unknown_argument_names_itself_and_the_one_the_spider_takes() -> None:
    with pytest.raises(UsageError, match=r"unknown spider argument\(s\) source=x: .* sources="):
        NewsSpider(source="x")
    assert NewsSpider(sources="a,b")._wanted == "a,b"


def test_scrapy_crawl_with_a_typo_exits_without_crawling(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - {name: a, homepage: 'http://127.0.0.1:9/', "
        "feeds: ['http://127.0.0.1:9/feed.xml'], languages: en}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "AGGREGATOR_SOURCES": str(sources),
        "AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=a"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "unknown spider argument(s) source=a" in done.stderr
    assert "127.0.0.1:9/feed.xml" not in done.stderr  # nothing was requested
