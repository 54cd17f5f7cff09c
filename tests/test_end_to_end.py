"""End to end: the sample outlets served on loopback, crawled by the real `aggregator crawl`
into a temporary SQLite file, twice.

Each crawl runs in a child process, as the scheduler runs it (Twisted's reactor cannot restart
inside the test process).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aggregator.demo.outlets import (
    NSO_FIRST_PARAGRAPH,
    NSO_LANGUAGE,
    NSO_LAST_PARAGRAPH,
    NSO_PUBLISHED,
    NSO_SOURCE,
    NSO_TAGLINE,
    NSO_TITLE,
    NSO_URL_PATH,
    OUTLETS,
    sources_yaml,
)
from aggregator.demo.server import OutletServer
from storage.articles import Article, ArticleUrl
from storage.db import session_scope
from storage.runs import CrawlRun
from tests.spiders.crawling import run_cli

pytestmark = pytest.mark.slow


def crawl(database_url: str, sources: Path) -> subprocess.CompletedProcess[str]:
    """Run the real CLI crawl in a child process; fail loudly with its output."""
    result = run_cli(
        database_url,
        sources,
        "crawl",
        "--progress",
        "log",
        env={"AGGREGATOR_DOWNLOAD_DELAY": "0.05", "AGGREGATOR_EXTRACT_WORKERS": "2"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def outlets(serve_outlet: Callable[[Path], OutletServer]) -> dict[str, OutletServer]:
    return {o.name: serve_outlet(o.folder) for o in OUTLETS}


@pytest.fixture
def sources_file(tmp_path: Path, outlets: dict[str, OutletServer]) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(sources_yaml({n: s.base_url for n, s in outlets.items()}), encoding="utf-8")
    return path


def _chrome_texts(html: str) -> list[str]:
    """Visible texts of the page's navigation menus (what must never reach the body)."""
    navs = re.findall(r"<nav\b.*?</nav>", html, flags=re.S)
    texts = [t.strip() for nav in navs for t in re.findall(r">([^<>]{4,})<", nav)]
    return [t for t in texts if t]


def test_crawl_stores_the_nso_report_cleanly_then_nothing_new(
    sqlite_url: str, sources_file: Path, outlets: dict[str, OutletServer]
) -> None:
    first = crawl(sqlite_url, sources_file)
    nso_server = outlets[NSO_SOURCE]
    nso_url = nso_server.base_url + NSO_URL_PATH

    with session_scope(sqlite_url) as session:
        article = session.scalar(select(Article).where(Article.url == nso_url))
        assert article is not None, first.stdout + first.stderr
        assert article.title == NSO_TITLE
        assert NSO_FIRST_PARAGRAPH in article.body
        assert NSO_LAST_PARAGRAPH in article.body
        assert "185" not in article.body
        assert NSO_TAGLINE not in article.body
        page = (nso_server.root / NSO_URL_PATH.lstrip("/")).read_text(encoding="utf-8")
        chrome = _chrome_texts(page)
        assert chrome, "the NSO page should have navigation to leave out"
        for text in chrome:
            assert text not in article.body
        assert article.published_at == NSO_PUBLISHED
        assert article.published_at.utcoffset() is not None
        assert article.published_precision == "minute"
        assert article.published_offset == "+04:00"
        assert article.language == NSO_LANGUAGE
        assert article.source.name == NSO_SOURCE

        expected = sum(len(o.originals()) for o in OUTLETS)
        stored = session.scalar(select(func.count()).select_from(Article))
        assert stored == expected
        runs = list(session.scalars(select(CrawlRun)))
        assert {r.source_name for r in runs} == {o.name for o in OUTLETS}
        assert all(r.status == "finished" for r in runs)
        urls_before = session.scalar(select(func.count()).select_from(ArticleUrl))

    for server in outlets.values():
        server.clear()
    crawl(sqlite_url, sources_file)

    with session_scope(sqlite_url) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == expected
        assert session.scalar(select(func.count()).select_from(ArticleUrl)) == urls_before
        second = list(
            session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(len(OUTLETS)))
        )
        assert sum(r.stored for r in second) == 0
        assert all(r.status == "finished" for r in second)
    for outlet in OUTLETS:
        fetched = set(outlets[outlet.name].requested(status=200))
        for demo_article in outlet.articles:
            assert demo_article.path not in fetched, f"{outlet.name} re-downloaded an article"
