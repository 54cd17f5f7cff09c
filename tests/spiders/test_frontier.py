"""The frontier decides what is requested: new, recent, not stored, once per run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aggregator.discovery.feeds import Entry
from aggregator.spiders.frontier import Frontier
from storage.articles import Article, ArticleUrl
from storage.db import session_scope
from storage.sources import SourceRow

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_select_skips_old_stored_and_repeated(database_url: str) -> None:
    with session_scope(database_url) as session:
        source = SourceRow(
            name="s", homepage="https://s.test/", languages=["en"], timezone="UTC", config={}
        )
        session.add(source)
        session.flush()
        article = Article(source_id=source.id, url="https://s.test/stored", body="", body_hash="h")
        session.add(article)
        session.flush()
        session.add(ArticleUrl(url="https://s.test/stored", article_id=article.id))

    frontier = Frontier(database_url)
    entries = [
        Entry("https://s.test/new?utm_source=rss", published_at=NOW - timedelta(hours=2)),
        Entry("https://s.test/old", published_at=NOW - timedelta(days=40)),
        Entry("https://s.test/stored#comments"),
        Entry("https://S.test/new"),  # the first one again, in another form
        Entry("https://s.test/undated"),
    ]
    selection = frontier.select(entries, timedelta(days=30), NOW)
    assert [e.url for e in selection.fresh] == [
        "https://s.test/new?utm_source=rss",
        "https://s.test/undated",
    ]
    assert (selection.found, selection.skipped) == (4, 2)

    again = frontier.select([Entry("https://s.test/undated"), Entry("https://s.test/b")], None, NOW)
    assert [e.url for e in again.fresh] == ["https://s.test/b"]
    assert again.found == 1


def test_without_a_database_only_the_run_dedupes() -> None:
    frontier = Frontier(None)
    frontier.mark("https://s.test/section/")
    selection = frontier.select(
        [Entry("https://s.test/section/"), Entry("https://s.test/a")], None, NOW
    )
    assert [e.url for e in selection.fresh] == ["https://s.test/a"]
