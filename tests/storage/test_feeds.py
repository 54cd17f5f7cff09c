"""Feed validators and the stored-URL check, on SQLite and PostgreSQL."""

from __future__ import annotations

from storage.articles import Article, ArticleUrl
from storage.db import session_scope
from storage.feeds import BATCH, Validators, get_validators, known_urls, save_validators
from storage.runs import FeedState
from storage.sources import SourceRow

FEED = "https://outlet.test/rss.xml"


def test_validators_round_trip_and_304_keeps_them(database_url: str) -> None:
    with session_scope(database_url) as session:
        assert get_validators(session, FEED) == Validators()
        assert not get_validators(session, FEED)
        save_validators(
            session, FEED, "outlet", Validators('"a"', "Mon, 01 Jan 2024 00:00:00 GMT"), entries=12
        )
    with session_scope(database_url) as session:
        save_validators(session, FEED, "outlet", Validators(), status=304)
    with session_scope(database_url) as session:
        assert get_validators(session, FEED) == Validators('"a"', "Mon, 01 Jan 2024 00:00:00 GMT")
        state = session.query(FeedState).one()
        assert (state.last_status, state.entries, state.source_name) == (304, 12, "outlet")
        changed = state.changed_at
        # A new 200 without validators forgets the old ones.
        save_validators(session, FEED, "outlet", Validators(), status=200)
        assert not get_validators(session, FEED)
        assert state.changed_at is not None and state.changed_at >= changed


def test_validators_are_bounded(database_url: str) -> None:
    with session_scope(database_url) as session:
        save_validators(session, FEED, "outlet", Validators("x" * 10_000, None))
        assert len(get_validators(session, FEED).etag or "") == 1024


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
