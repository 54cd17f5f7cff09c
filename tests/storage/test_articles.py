"""Article queries outside the feed: the stored-URL check, on SQLite and PostgreSQL."""

from __future__ import annotations

from storage.articles import BATCH, Article, ArticleUrl, known_urls
from storage.db import session_scope
from storage.sources import SourceRow


def test_known_urls_in_batches(database_url: str) -> None:
    stored = [f"https://outlet.test/a/{n}" for n in range(BATCH + 20)]
    with session_scope(database_url) as session:
        source = SourceRow(
            name="outlet",
            homepage="https://outlet.test/",
            languages=["en"],
            timezone="UTC",
            config={},
        )
        session.add(source)
        session.flush()
        article = Article(source_id=source.id, url=stored[0], body="b", body_hash="h")
        session.add(article)
        session.flush()
        session.add_all(
            ArticleUrl(url=u, article_id=article.id, source_id=source.id) for u in stored
        )
    asked = [*stored, "https://outlet.test/new", "https://outlet.test/a/1"]
    with session_scope(database_url) as session:
        assert known_urls(session, asked) == set(stored)
        assert known_urls(session, []) == set()
