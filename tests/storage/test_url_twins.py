"""URL identity across scheme and ``www.`` (issue 16): the same article under
``http://outlet/a`` and ``https://www.outlet/a`` is stored once, stays findable under the
URL it was stored with, and the crawler does not fetch its twin."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from aggregator.discovery.feeds import Entry
from aggregator.spiders.frontier import Frontier
from aggregator.urls import canonicalize_url, url_twins
from storage.articles import Article, ArticleUrl
from storage.db import session_scope
from storage.ingest import save_article
from tests.storage.conftest import SEEDS, record

BODY = SEEDS["fr-enquete-hopital"]["body"]


def test_twins_are_the_other_scheme_and_www_spellings() -> None:
    assert url_twins("https://www.daily.example/2026/story?id=3") == [
        "https://daily.example/2026/story?id=3",
        "http://daily.example/2026/story?id=3",
        "http://www.daily.example/2026/story?id=3",
    ]
    assert url_twins("http://127.0.0.1:8001/a") == ["https://127.0.0.1:8001/a"]
    assert url_twins("javascript:alert(1)") == []
    # Canonical forms themselves keep the scheme and host the outlet serves.
    assert canonicalize_url("http://daily.example/a/") == "http://daily.example/a"


def test_an_article_under_another_scheme_and_host_spelling_is_the_same(
    database_url: str, outlets: dict[str, int]
) -> None:
    first = "https://www.daily.example/2026/story"
    with session_scope(database_url) as session:
        stored = save_article(session, record(outlets["daily"], first, BODY))
        again = save_article(
            session, record(outlets["daily"], "http://daily.example/2026/story", BODY)
        )
    assert stored.kind == "stored"
    assert again.kind == "unchanged" and again.article_id == stored.article_id
    with session_scope(database_url) as session:
        assert session.scalars(select(Article.url)).all() == [first]  # the link still works
        kinds = {
            url: kind for url, kind in session.execute(select(ArticleUrl.url, ArticleUrl.kind))
        }
        assert kinds == {first: "canonical", "http://daily.example/2026/story": "alias"}


def test_the_crawler_does_not_fetch_a_twin_of_a_stored_url(
    database_url: str, outlets: dict[str, int]
) -> None:
    with session_scope(database_url) as session:
        save_article(session, record(outlets["daily"], "https://www.daily.example/2026/a", BODY))
    entries = [Entry("http://daily.example/2026/a"), Entry("https://daily.example/2026/b")]
    fresh = Frontier(database_url).select(entries, None, datetime.now(UTC)).fresh
    assert [e.url for e in fresh] == ["https://daily.example/2026/b"]
