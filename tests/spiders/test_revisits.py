"""The spider's revisits against a loopback outlet: the due ones within the source's own
budget, with the article's validators, after the new articles; none when turned off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator.demo.server import OutletServer
from storage.articles import Article, ArticleUrl
from storage.db import session_scope, upgrade
from storage.sources import SourceRow
from tests.spiders.crawling import crawl, loopback_source
from tests.test_revisits_end_to_end import WORDS, _page

pytestmark = pytest.mark.slow
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
OLD = ("old1", "old2", "old3")


def _outlet(root: Path) -> None:
    root.mkdir()
    (root / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Valley</title>'
        "<link>{{BASE}}/</link><item><title>New one</title><link>{{BASE}}/new.html</link>"
        "<pubDate>Wed, 02 Dec 2026 11:00:00 GMT</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    for name in ("new", *OLD):
        (root / f"{name}.html").write_text(_page(name, f"Story {name}", WORDS), encoding="utf-8")


def _store_due(database_url: str, base: str) -> None:
    """Three stored articles whose revisits are due, most overdue first: old1, old2, old3."""
    upgrade(database_url)
    with session_scope(database_url) as session:
        source = SourceRow(
            name="valley", homepage=f"{base}/", languages=["en"], timezone="UTC", config={}
        )
        session.add(source)
        session.flush()
        for n, name in enumerate(OLD):
            url = f"{base}/{name}.html"
            article = Article(
                source_id=source.id,
                url=url,
                title=f"Story {name}",
                body="text",
                body_hash=f"h{n}",
                first_seen_at=NOW - timedelta(hours=3),
                fetched_at=NOW - timedelta(hours=3),
                next_revisit_at=NOW - timedelta(hours=2, minutes=-n),
                etag=f'"stale-{n}"',
            )
            session.add(article)
            session.flush()
            session.add(ArticleUrl(url=url, article_id=article.id, source_id=source.id))


def test_due_revisits_keep_to_their_budget_and_send_validators(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer], sqlite_url: str
) -> None:
    _outlet(tmp_path / "valley")
    server = serve_outlet(tmp_path / "valley")
    _store_due(sqlite_url, server.base_url)
    yaml = loopback_source(
        "valley", server.base_url, feeds=["/feed.xml"], revisit="{max_per_run: 2}"
    )
    result = crawl(tmp_path, yaml, sqlite_url, AGGREGATOR_NOW=NOW.isoformat())
    assert sorted(server.requested("/old")) == ["/old1.html", "/old2.html"]  # most overdue
    hit = next(h for h in server.hits if h.path == "/old1.html")
    assert hit.headers.get("If-None-Match") == '"stale-0"'
    vias = sorted((i["url"].rsplit("/", 1)[1], i["discovered_via"]) for i in result.items)
    assert vias == [("new.html", "feed"), ("old1.html", "revisit"), ("old2.html", "revisit")]
    assert result.stats["aggregator/valley/revisit/requested"] == 2
    # Fetched with the crawl's clock, not the real time.
    assert {i["fetched_at"] for i in result.items} == {NOW.isoformat()}


def test_revisits_turned_off_fetch_only_new_articles(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer], sqlite_url: str
) -> None:
    _outlet(tmp_path / "valley")
    server = serve_outlet(tmp_path / "valley")
    _store_due(sqlite_url, server.base_url)
    yaml = loopback_source("valley", server.base_url, feeds=["/feed.xml"], revisit="{after: []}")
    result = crawl(tmp_path, yaml, sqlite_url, AGGREGATOR_NOW=NOW.isoformat())
    assert server.requested("/old") == []
    assert [i["url"].rsplit("/", 1)[1] for i in result.items] == ["new.html"]
