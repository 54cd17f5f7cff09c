"""The editors' queries on both databases: folding, keyset pages, counts, detail, exports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from aggregator.errors import StorageError
from storage import search as search_module
from storage.article_filter import ArticleFilter, Cursor, query_matches
from storage.article_query import article_detail, article_page, facet_counts
from storage.articles import Article, ArticleRevision, articles_per_day
from storage.db import session_scope
from storage.editorial import Editor, apply_action, approved_articles
from storage.search import FEW_MATCHES, index_article
from storage.sources import SourceRow
from storage.stories import Story

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
EDITOR = Editor(None, "cli")


def _fill(session: Session) -> dict[str, int]:
    """12 single articles (alternating ar/fr) and a 3-article story, an hour apart."""
    ar = SourceRow(
        name="ar", homepage="https://ar.example/", languages=["ar"], timezone="UTC", config={}
    )
    fr = SourceRow(
        name="fr", homepage="https://fr.example/", languages=["fr"], timezone="UTC", config={}
    )
    story = Story(title="s")
    session.add_all([ar, fr, story])
    session.flush()
    ids: dict[str, int] = {}

    def add(key: str, source: SourceRow, hours: int, lang: str, **extra: object) -> None:
        at = T0 + timedelta(hours=hours)
        article = Article(
            source=source,
            url=f"https://{source.name}.example/{key}",
            title=f"title {key}",
            body=f"body of {key}",
            body_hash=key,
            language=lang,
            sort_at=at,
            first_seen_at=at,
            **extra,
        )
        session.add(article)
        session.flush()
        index_article(session, article)
        ids[key] = article.id

    for n in range(12):
        add(f"single{n}", ar if n % 2 else fr, n, "ar" if n % 2 else "fr")
    add("story_fr_old", fr, 3, "fr", story_id=story.id)
    add("story_ar", ar, 5, "ar", story_id=story.id)
    add("story_fr_new", fr, 7, "fr", story_id=story.id, description="Pegasus spyware")
    session.add(
        ArticleRevision(
            article_id=ids["story_ar"], number=1, title="old", body="old", body_hash="x"
        )
    )
    return ids


@pytest.fixture
def filled(database_url: str) -> tuple[str, dict[str, int]]:
    with session_scope(database_url) as session:
        return database_url, _fill(session)


def _all_pages(session: Session, f: ArticleFilter, size: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = article_page(session, f, before=cursor, limit=size)
        pages.append([r.article.id for r in page.rows])
        if page.next_cursor is None:
            return pages
        cursor = Cursor.decode(page.next_cursor.encode())


def test_keyset_pages_cover_every_story_once(filled: tuple[str, dict[str, int]]) -> None:
    url, ids = filled
    with session_scope(url) as session:
        pages = _all_pages(session, ArticleFilter(), 4)
    flat = [i for page in pages for i in page]
    assert [len(p) for p in pages] == [4, 4, 4, 1]
    assert len(flat) == len(set(flat)) == 13
    assert ids["story_fr_new"] in flat
    assert ids["story_ar"] not in flat and ids["story_fr_old"] not in flat
    # Newest first: single11 (hour 11) ... single0 (hour 0); the story sits at hour 7.
    assert flat[:5] == [
        ids["single11"],
        ids["single10"],
        ids["single9"],
        ids["single8"],
        ids["story_fr_new"],
    ]


def test_the_story_row_lists_where_else_it_appeared(filled: tuple[str, dict[str, int]]) -> None:
    url, ids = filled
    with session_scope(url) as session:
        rows = article_page(session, ArticleFilter(), limit=50).rows
    row = next(r for r in rows if r.article.id == ids["story_fr_new"])
    # The older version at the row's own outlet is not "also in" (issue 16).
    assert [s.id for s in row.also_in] == [ids["story_ar"]]
    assert row.also_in_total == 1
    assert row.also_in[0].source == "ar"
    assert row.languages == ["fr", "ar"] and row.also_languages == ["ar"]


def test_the_origin_is_the_row_unless_the_filters_leave_it_out(
    filled: tuple[str, dict[str, int]],
) -> None:
    url, ids = filled
    with session_scope(url) as session:
        story = session.get(Story, session.get(Article, ids["story_ar"]).story_id)  # type: ignore[union-attr]
        assert story is not None
        story.origin_article_id = ids["story_ar"]
        session.flush()
        pages = _all_pages(session, ArticleFilter(), 4)
        flat = [i for page in pages for i in page]
        # Listed once, as its origin, at the origin's place (hour 5, after single5 by id).
        assert len(flat) == len(set(flat)) == 13
        assert ids["story_ar"] in flat
        assert ids["story_fr_new"] not in flat and ids["story_fr_old"] not in flat
        assert flat.index(ids["single5"]) == flat.index(ids["story_ar"]) + 1
        rows = article_page(session, ArticleFilter()).rows
        row = next(r for r in rows if r.article.id == ids["story_ar"])
        assert row.languages == ["ar", "fr"] and row.also_languages == ["fr"]
        assert [s.id for s in row.also_in] == [ids["story_fr_new"], ids["story_fr_old"]]
        # Filtered to French, the origin is out: the newest French article stands for it.
        french = [r.article.id for r in article_page(session, ArticleFilter(language="fr")).rows]
        assert ids["story_fr_new"] in french and ids["story_fr_old"] not in french
        assert facet_counts(session, ArticleFilter(language="fr")).total == len(french) == 7


def test_filters_pick_the_newest_matching_article_of_a_story(
    filled: tuple[str, dict[str, int]],
) -> None:
    url, ids = filled
    with session_scope(url) as session:
        arabic = [r.article.id for r in article_page(session, ArticleFilter(language="ar")).rows]
        assert ids["story_ar"] in arabic and len(arabic) == 7
        apply_action(session, ids["story_fr_old"], EDITOR, "approve")
        approved = article_page(session, ArticleFilter(status="approved")).rows
        assert [r.article.id for r in approved] == [ids["story_fr_old"]]
        on_day = ArticleFilter(date_from=date(2026, 11, 1), date_to=date(2026, 11, 1), source="ar")
        assert len(article_page(session, on_day).rows) == 7
        assert article_page(session, ArticleFilter(date_from=date(2026, 11, 2))).rows == []
        found = article_page(session, ArticleFilter(query="single3")).rows
        assert [r.article.id for r in found] == [ids["single3"]]


@pytest.mark.parametrize("few", [FEW_MATCHES, 2], ids=["id-list", "index-probe"])
def test_search_filters_pages_counts_and_exports_alike_for_few_or_many_matches(
    filled: tuple[str, dict[str, int]], few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every article's body says "body": the query must change nothing, whichever SQL
    find_matches picks; "story*" matches the story's three articles, shown as one row."""
    monkeypatch.setattr(search_module, "FEW_MATCHES", few)
    url, ids = filled
    with session_scope(url) as session:
        apply_action(session, ids["single0"], EDITOR, "approve")
        apply_action(session, ids["story_ar"], EDITOR, "approve")
        for f in (ArticleFilter(), ArticleFilter(language="ar"), ArticleFilter(status="new")):
            searched = replace(f, query="body")
            assert _all_pages(session, searched, 4) == _all_pages(session, f, 4)
            assert facet_counts(session, searched) == facet_counts(session, f)
        exported = [a.id for a, _ in approved_articles(session, ArticleFilter(query="body"))[0]]
        assert sorted(exported) == sorted([ids["single0"], ids["story_ar"]])
        story = article_page(session, ArticleFilter(query="story*")).rows
        assert [r.article.id for r in story] == [ids["story_fr_new"]]
        assert {s.id for s in story[0].also_in} == {ids["story_ar"]}
        assert facet_counts(session, ArticleFilter(query="story*")).total == 1  # one row
        shared = query_matches(session, ArticleFilter(query="story*"))  # as the feed page shares it
        rows = article_page(session, ArticleFilter(query="story*"), found=shared).rows
        assert [r.article.id for r in rows] == [ids["story_fr_new"]]
        assert facet_counts(session, ArticleFilter(query="story*"), found=shared).total == 1
        assert article_page(session, ArticleFilter(query="nowhere")).rows == []


def test_counts_per_filter_hold_the_other_filters(filled: tuple[str, dict[str, int]]) -> None:
    url, ids = filled
    with session_scope(url) as session:
        apply_action(session, ids["single1"], EDITOR, "reject")
        counts = facet_counts(session, ArticleFilter(language="ar"))
    assert counts.total == 7
    assert counts.status == {"new": 6, "rejected": 1}
    assert counts.language == {"ar": 7, "fr": 7}  # rows: the story's two French articles are one
    assert counts.source == {"ar": 7}


def test_article_detail(filled: tuple[str, dict[str, int]]) -> None:
    url, ids = filled
    with session_scope(url) as session:
        apply_action(session, ids["story_ar"], EDITOR, "star")
        detail = article_detail(session, ids["story_ar"])
        assert article_detail(session, 10**6) is None
    assert detail is not None
    assert [s.id for s in detail.siblings] == [ids["story_fr_old"], ids["story_fr_new"]]
    assert [r.number for r in detail.revisions] == [1]
    assert [(a.action, a.username) for a in detail.actions] == [("star", "cli")]


def test_exports_hold_approved_articles_by_approval_time(
    filled: tuple[str, dict[str, int]],
) -> None:
    url, ids = filled
    with session_scope(url) as session:
        apply_action(session, ids["single0"], EDITOR, "approve")
        apply_action(session, ids["single5"], EDITOR, "approve")
        apply_action(session, ids["single0"], EDITOR, "publish")
        apply_action(session, ids["single9"], EDITOR, "reject")
        items, cursor = approved_articles(session, ArticleFilter(), limit=1)
        assert [a.id for a, _ in items] == [ids["single0"]]  # published last
        assert cursor is not None
        rest, end = approved_articles(session, ArticleFilter(), before=cursor)
        assert [a.id for a, _ in rest] == [ids["single5"]] and end is None
        only = approved_articles(session, ArticleFilter(status="published"))[0]
        assert [a.id for a, _ in only] == [ids["single0"]]
        with pytest.raises(StorageError, match="not 'new'"):
            approved_articles(session, ArticleFilter(status="new"))


def test_articles_per_day(filled: tuple[str, dict[str, int]]) -> None:
    url, _ = filled
    with session_scope(url) as session:
        counts = articles_per_day(session, days=3, now=T0 + timedelta(days=1))
        by_name = {s.name: s.id for s in session.query(SourceRow)}
    assert counts[by_name["ar"]] == [0, 7, 0]
    assert counts[by_name["fr"]] == [0, 8, 0]


def test_cursor_round_trip_and_garbage() -> None:
    cursor = Cursor(datetime(2026, 11, 1, 12, 0, 0, 123456, tzinfo=UTC), 42)
    assert Cursor.decode(cursor.encode()) == cursor
    for text in [None, "", "abc", "1.x", "9" * 50, "99999999999999999999.1"]:
        assert Cursor.decode(text) is None


def test_unknown_status_is_refused() -> None:
    with pytest.raises(StorageError, match="unknown status 'archived'"):
        ArticleFilter(status="archived")
