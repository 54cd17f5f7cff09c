"""save_article on SQLite and PostgreSQL: new, updated, unchanged, duplicates and stories."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from aggregator.urls import canonicalize_url
from storage import ingest
from storage.articles import Article, ArticleRevision, ArticleUrl
from storage.db import session_scope
from storage.ingest import save_article
from storage.near_duplicates import LshBucket
from storage.search import matching_ids
from storage.stories import Story
from tests.storage.conftest import FETCHED, SEEDS, pair, record

BODY = SEEDS["fr-enquete-hopital"]["body"]


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_new_article_is_stored_with_its_urls(database_url: str, outlets: dict[str, int]) -> None:
    with session_scope(database_url) as session:
        outcome = save_article(
            session,
            record(
                outlets["daily"],
                "https://daily.example/a",
                BODY,
                aliases=("https://daily.example/a?id=1",),
                language="fr",
            ),
        )
    assert outcome.kind == "stored"
    with session_scope(database_url) as session:
        article = session.get(Article, outcome.article_id)
        assert article is not None and article.body == BODY and article.revision == 1
        assert article.sort_at == FETCHED  # no publication date: first seen
        kinds = {u.url: u.kind for u in article.urls}
        assert kinds == {
            "https://daily.example/a": "canonical",
            "https://daily.example/a?id=1": "alias",
        }
        assert count(session, LshBucket) > 0


def test_new_article_row_is_complete(database_url: str, outlets: dict[str, int]) -> None:
    """The article is written with one Core insert: every field and default must be there."""
    published = FETCHED - timedelta(hours=3)
    with session_scope(database_url) as session:
        outcome = save_article(
            session,
            record(
                outlets["daily"],
                "https://daily.example/full",
                BODY,
                title="Enquête",
                authors=["A. Writer"],
                tags=["santé"],
                language="fr",
                published_at=published,
                extraction={"method": "trafilatura"},
            ),
        )
    with session_scope(database_url) as session:
        article = session.get(Article, outcome.article_id)
        assert article is not None
        assert (article.status, article.revision, article.starred) == ("new", 1, False)
        assert (article.story_id, article.edited_title, article.note) == (None, None, None)
        assert (article.title, article.authors, article.tags) == (
            "Enquête",
            ["A. Writer"],
            ["santé"],
        )
        assert article.first_seen_at == FETCHED and article.fetched_at == FETCHED
        assert article.sort_at == published and article.updated_at is not None
        assert article.extraction["method"] == "trafilatura"
        assert article.extraction["fingerprint"]["shingles"] > 0
        assert article.minhash is not None and len(article.minhash) == 512
        buckets = session.scalar(
            select(func.count()).where(LshBucket.article_id == outcome.article_id)
        )
        assert buckets == 42
        found = session.scalars(select(Article.id).where(Article.id.in_(matching_ids("enquete"))))
        assert list(found) == [outcome.article_id]


def test_url_variants_collapse_to_one_article(database_url: str, outlets: dict[str, int]) -> None:
    variants = [
        "https://www.daily.example/2026/story?utm_source=rss&fbclid=x",
        "https://amp.daily.example/amp/2026/story/",
        "https://m.daily.example/2026/story?amp=1#top",
    ]
    with session_scope(database_url) as session:
        outcomes = [
            save_article(session, record(outlets["daily"], canonicalize_url(v), BODY))
            for v in variants
        ]
    assert [o.kind for o in outcomes] == ["stored", "unchanged", "unchanged"]
    with session_scope(database_url) as session:
        assert count(session, Article) == 1
        assert session.scalars(select(ArticleUrl.url)).all() == [
            "https://www.daily.example/2026/story"
        ]


def test_changed_text_updates_in_place_with_a_revision(
    database_url: str, outlets: dict[str, int]
) -> None:
    url = "https://daily.example/fire"
    edited = BODY.replace("une soixantaine", "près de quatre-vingts") + "\n\nMise à jour."
    with session_scope(database_url) as session:
        first = save_article(session, record(outlets["daily"], url, BODY, title="Incendie"))
    with session_scope(database_url) as session:
        again = save_article(session, record(outlets["daily"], url, BODY, title="Incendie"))
        update = save_article(
            session,
            record(
                outlets["daily"],
                url,
                edited,
                title="Incendie à Lyon : une enquête ouverte",
                fetched_at=FETCHED + timedelta(hours=3),
            ),
        )
    assert again.kind == "unchanged"
    assert update.kind == "updated" and update.article_id == first.article_id
    assert update.changed == ["title", "body"]
    with session_scope(database_url) as session:
        assert count(session, Article) == 1
        article = session.get(Article, first.article_id)
        assert article is not None
        assert article.title == "Incendie à Lyon : une enquête ouverte" and article.revision == 2
        assert article.body == edited
        revisions = session.scalars(select(ArticleRevision)).all()
        assert [(r.number, r.title, r.body, r.changed) for r in revisions] == [
            (1, "Incendie", BODY, ["title", "body"])
        ]


def test_title_change_alone_is_an_update_not_a_new_item(
    database_url: str, outlets: dict[str, int]
) -> None:
    with session_scope(database_url) as session:
        save_article(
            session, record(outlets["daily"], "https://daily.example/t", BODY, title="Old headline")
        )
        outcome = save_article(
            session, record(outlets["daily"], "https://daily.example/t", BODY, title="New headline")
        )
    assert outcome.kind == "updated" and outcome.changed == ["title"]
    with session_scope(database_url) as session:
        assert count(session, Article) == 1 and count(session, ArticleRevision) == 1


def test_same_body_elsewhere_is_a_duplicate_of_the_first_copy(
    database_url: str, outlets: dict[str, int]
) -> None:
    with session_scope(database_url) as session:
        first = save_article(session, record(outlets["wire"], "https://wire.example/x", BODY))
        copy = save_article(
            session,
            record(outlets["daily"], "https://daily.example/y", BODY.upper(), title="Other title"),
        )
        again = save_article(session, record(outlets["daily"], "https://daily.example/y", BODY))
    assert copy.kind == "duplicate" and copy.duplicate_of == first.article_id
    assert again.kind == "unchanged" and again.article_id == first.article_id
    with session_scope(database_url) as session:
        assert count(session, Article) == 1
        row = session.scalars(
            select(ArticleUrl).where(ArticleUrl.url == "https://daily.example/y")
        ).one()
        assert (row.kind, row.article_id, row.source_id) == (
            "duplicate",
            first.article_id,
            outlets["daily"],
        )


def test_diverging_copy_becomes_its_own_article(database_url: str, outlets: dict[str, int]) -> None:
    with session_scope(database_url) as session:
        save_article(session, record(outlets["wire"], "https://wire.example/x", BODY))
        save_article(session, record(outlets["daily"], "https://daily.example/y", BODY))
        outcome = save_article(
            session,
            record(
                outlets["daily"],
                "https://daily.example/y",
                BODY + "\n\nNotre correspondant ajoute.",
            ),
        )
    assert outcome.kind == "near_duplicate"
    with session_scope(database_url) as session:
        assert count(session, Article) == 2
        assert (
            session.scalar(
                select(ArticleUrl.kind).where(ArticleUrl.url == "https://daily.example/y")
            )
            == "canonical"
        )


def test_syndicated_copy_joins_the_story_and_same_topic_does_not(
    database_url: str, outlets: dict[str, int]
) -> None:
    syndicated = pair("syndicated")
    same_topic = pair("same_topic")
    wire_time = FETCHED - timedelta(hours=5)
    with session_scope(database_url) as session:
        # The copy is crawled first; the wire original (published earlier) comes later.
        copy = save_article(
            session,
            record(
                outlets["daily"],
                "https://daily.example/copy",
                syndicated["b"],
                title="Copy",
                published_at=FETCHED - timedelta(hours=1),
            ),
        )
        origin = save_article(
            session,
            record(
                outlets["wire"],
                "https://wire.example/orig",
                syndicated["a"],
                title="Wire",
                published_at=wire_time,
            ),
        )
        topic_a = save_article(
            session, record(outlets["weekly"], "https://weekly.example/1", same_topic["a"])
        )
        topic_b = save_article(
            session, record(outlets["daily"], "https://daily.example/2", same_topic["b"])
        )
    assert copy.kind == "stored"
    assert origin.kind == "near_duplicate" and origin.duplicate_of == copy.article_id
    assert (topic_a.kind, topic_b.kind) == ("stored", "stored")
    with session_scope(database_url) as session:
        story = session.get(Story, origin.story_id)
        assert story is not None
        assert story.origin_article_id == origin.article_id and story.title == "Wire"
        assert story.article_count == 2
        members = session.scalars(select(Article.id).where(Article.story_id == story.id)).all()
        assert sorted(members) == sorted([copy.article_id, origin.article_id])
        assert (
            session.scalar(select(Article.story_id).where(Article.id == topic_b.article_id)) is None
        )


def test_paywall_stubs_are_not_merged(database_url: str, outlets: dict[str, int]) -> None:
    stub = "This article is for subscribers only. " * 10
    with session_scope(database_url) as session:
        a = save_article(
            session, record(outlets["daily"], "https://daily.example/p1", stub, paywalled=True)
        )
        b = save_article(
            session, record(outlets["daily"], "https://daily.example/p2", stub, paywalled=True)
        )
    assert (a.kind, b.kind) == ("stored", "stored") and a.article_id != b.article_id


def test_future_publication_date_does_not_pin_the_feed(
    database_url: str, outlets: dict[str, int]
) -> None:
    with session_scope(database_url) as session:
        outcome = save_article(
            session,
            record(
                outlets["daily"],
                "https://daily.example/f",
                BODY,
                published_at=FETCHED + timedelta(days=30),
            ),
        )
        article = session.get(Article, outcome.article_id)
        assert article is not None and article.sort_at == FETCHED
        assert article.published_at == FETCHED + timedelta(days=30)


def test_crash_mid_write_leaves_nothing_behind(
    database_url: str, outlets: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(ingest, "index_article", crash)  # after article, URLs and buckets
    with pytest.raises(RuntimeError), session_scope(database_url) as session:
        save_article(session, record(outlets["daily"], "https://daily.example/c", BODY))
    with session_scope(database_url) as session:
        assert count(session, Article) == 0
        assert count(session, ArticleUrl) == 0
        assert count(session, LshBucket) == 0
        assert session.scalar(text("SELECT count(*) FROM article_search")) == 0


def test_hostile_text_is_bounded_and_nul_free(database_url: str, outlets: dict[str, int]) -> None:
    with session_scope(database_url) as session:
        outcome = save_article(
            session,
            record(
                outlets["daily"],
                "https://daily.example/h",
                BODY + "\x00",
                title="T\x00itle",
                language="fr-FR-x-very-long",
                authors=["A\x00"] * 500,
            ),
        )
        article = session.get(Article, outcome.article_id)
        assert article is not None
        assert article.title == "Title" and "\x00" not in article.body
        assert article.language == "fr-FR-x-" and len(article.authors) == 50


def test_unusable_url_is_refused_with_its_name(database_url: str, outlets: dict[str, int]) -> None:
    from aggregator.errors import StorageError

    with session_scope(database_url) as session, pytest.raises(StorageError, match="ftp://x"):
        save_article(session, record(outlets["daily"], "ftp://x/y", BODY))


def test_alias_of_another_article_does_not_make_an_update(
    database_url: str, outlets: dict[str, int]
) -> None:
    # /latest redirected to today's article, then tomorrow to another one.
    latest = "https://daily.example/latest"
    with session_scope(database_url) as session:
        today = save_article(
            session,
            record(outlets["daily"], "https://daily.example/today", BODY, aliases=(latest,)),
        )
        tomorrow = save_article(
            session,
            record(
                outlets["daily"],
                "https://daily.example/tomorrow",
                SEEDS["fr-enquete-greve"]["body"],
                aliases=(latest,),
            ),
        )
        again = save_article(
            session,
            record(
                outlets["daily"],
                "https://daily.example/other",
                BODY + " Mise à jour.",
                aliases=(latest,),
            ),
        )
    assert tomorrow.kind == "stored" and tomorrow.article_id != today.article_id
    assert again.kind == "updated" and again.article_id == today.article_id
    with session_scope(database_url) as session:
        assert (
            session.scalar(select(ArticleUrl.article_id).where(ArticleUrl.url == latest))
            == today.article_id
        )
