"""Full-text search on SQLite FTS5 and PostgreSQL tsvector: Arabic and French folding."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from storage import search as search_module
from storage.articles import Article
from storage.db import session_scope
from storage.ingest import save_article
from storage.search import (
    find_matches,
    matching_ids,
    parse_query,
    reindex_all,
    unindex_article,
)
from tests.storage.conftest import SEEDS, record


def search(url: str, query: str) -> list[str]:
    """URLs of the matches, found by the plain subquery and by both forms of find_matches
    (which must agree)."""
    with session_scope(url) as session:
        plain = session.scalars(select(Article.url).where(Article.id.in_(matching_ids(query))))
        found = find_matches(session, query)
        newest = select(Article.url).where(found.for_page(Article)).order_by(Article.id.desc())
        counted = select(Article.url).where(found.for_count(Article))
        forms = [sorted(plain), sorted(session.scalars(newest)), sorted(session.scalars(counted))]
    assert forms[0] == forms[1] == forms[2], forms
    return forms[0]


@pytest.fixture(params=["few", "many"])
def matches_counted(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with every search below the "few matches" bound, then with none."""
    if request.param == "many":
        monkeypatch.setattr(search_module, "FEW_MATCHES", 0)
    return str(request.param)


@pytest.fixture
def corpus(database_url: str, outlets: dict[str, int]) -> str:
    texts = {
        "https://daily.example/uae": ("الإمارات توقع اتفاقية", SEEDS["ar-uae-trade"]["body"]),
        "https://daily.example/weather": ("أمطار غزيرة", SEEDS["ar-weather"]["body"]),
        "https://weekly.example/fire": ("Enquête à Lyon", SEEDS["fr-enquete-hopital"]["body"]),
        "https://wire.example/fire": ("Lyon hospital fire", SEEDS["en-fr-translation-en"]["body"]),
    }
    with session_scope(database_url) as session:
        for url, (title, body) in texts.items():
            save_article(session, record(outlets["daily"], url, body, title=title))
    return database_url


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("الإمارات", ["https://daily.example/uae"]),
        ("الامارات", ["https://daily.example/uae"]),  # no hamza
        ("الإمـــارات", ["https://daily.example/uae"]),  # tatweel
        ("اتفاقيّة", ["https://daily.example/uae"]),  # shadda
        ("الأرصاد", ["https://daily.example/weather"]),
        ("enquete", ["https://weekly.example/fire"]),
        ("ENQUÊTE", ["https://weekly.example/fire"]),
        ("enquêteurs privilégient", ["https://weekly.example/fire"]),
        ("hopital", ["https://weekly.example/fire"]),  # hôpital in the body
        ("Croix-Rousse", ["https://weekly.example/fire", "https://wire.example/fire"]),
        ('"short circuit"', ["https://wire.example/fire"]),
        ('"circuit short"', []),
        ("investig*", ["https://wire.example/fire"]),
        ("enquête tornado", []),
        ("", []),
        ('" OR NEAR( *:', []),
    ],
)
def test_search_finds_folded_words(
    corpus: str, query: str, expected: list[str], matches_counted: str
) -> None:
    assert search(corpus, query) == expected


def test_find_matches_lists_the_ids_only_when_they_are_few(
    corpus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "FEW_MATCHES", 2)
    with session_scope(corpus) as session:
        fire = set(session.scalars(select(Article.id).where(Article.url.like("%/fire"))))
        assert find_matches(session, "Croix-Rousse").ids is not None
        assert set(find_matches(session, "Croix-Rousse").ids or ()) == fire
        assert find_matches(session, "tornado").ids == ()
        assert find_matches(session, "  ").ids == ()
        monkeypatch.setattr(search_module, "FEW_MATCHES", 1)
        assert find_matches(session, "Croix-Rousse").ids is None


def test_updated_article_is_reindexed(database_url: str, outlets: dict[str, int]) -> None:
    body = SEEDS["fr-enquete-greve"]["body"]
    with session_scope(database_url) as session:
        save_article(session, record(outlets["daily"], "https://daily.example/g", body))
        save_article(
            session,
            record(
                outlets["daily"], "https://daily.example/g", body.replace("soignants", "infirmiers")
            ),
        )
    assert search(database_url, "infirmiers") == ["https://daily.example/g"]
    assert search(database_url, "soignants") == []


def test_unindex_and_reindex_all(corpus: str) -> None:
    with session_scope(corpus) as session:
        uae = session.scalar(select(Article.id).where(Article.url.like("%uae")))
        assert uae is not None
        unindex_article(session, uae)
    assert search(corpus, "الامارات") == []
    with session_scope(corpus) as session:
        assert reindex_all(session, batch=2) == 4
        assert session.scalar(text("SELECT count(*) FROM article_search")) == 4
    assert search(corpus, "الامارات") == ["https://daily.example/uae"]


def test_query_parsing_quotes_everything() -> None:
    terms = parse_query('Émirats "la Croix-Rousse" enq* -x')
    assert [(t.words, t.prefix) for t in terms] == [
        (("la", "croix", "rousse"), False),
        (("emirats",), False),
        (("enq",), True),
        (("x",), False),
    ]
