"""The candidate index on both databases: which recent articles a lookup offers the scorer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import story_index
from storage.db import session_scope
from storage.ingest import save_article
from storage.story_index import MAX_CANDIDATES, add_profile, lookup, remove_profile
from tests.storage.conftest import record

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _article(url: str, outlet: int, n: int, language: str, keys: list[str]) -> int:
    """A stored article whose index entry holds exactly ``keys``."""
    with session_scope(url) as session:
        article_id = save_article(
            session,
            record(outlet, f"https://o.example/{n}", f"Body {n} " * 40, language=language),
        ).article_id
        remove_profile(session, article_id)
        positions = {k: 0.5 for k in keys}
        add_profile(session, article_id, language, T0 + timedelta(minutes=n), positions, keys)
    return article_id


def test_half_the_candidates_are_kept_for_articles_in_other_languages(
    database_url: str, outlets: dict[str, int]
) -> None:
    """Ten Arabic articles each share five common words with a new Arabic article (each word
    held by two of them); one English article shares its two names. Scored on postings alone
    the English one comes eleventh, past the eight candidates; it must be offered."""
    words = [f"k:W{i}" for i in range(25)]
    shares = [[words[(n * 5 + j) % 25] for j in range(5)] for n in range(10)]
    arabic = [_article(database_url, outlets["daily"], n, "ar", w) for n, w in enumerate(shares)]
    english = _article(database_url, outlets["wire"], 20, "en", ["k:BLN", "e:palin"])
    keys = [*words, "k:BLN", "e:palin"]
    with session_scope(database_url) as session:
        found = lookup(session, keys, dict.fromkeys(keys, 1.0), T0, language="ar")
        blind = lookup(session, keys, dict.fromkeys(keys, 1.0), T0)
    offered = [c.article_id for c in found.candidates]
    assert len(offered) == MAX_CANDIDATES
    assert english in offered
    assert set(offered) - {english} <= set(arabic)
    # without a language to tell them apart, the postings' weight alone decides
    assert english not in [c.article_id for c in blind.candidates]


def test_a_full_window_is_counted_once_a_minute_a_small_one_every_time(
    database_url: str, outlets: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window's total weighs every key (its IDF): a small window is counted at each
    # lookup, exactly; one of KEPT_TOTAL_FROM articles or more is counted once a minute.
    monkeypatch.setattr(story_index, "_totals", {})
    monkeypatch.setattr(story_index, "KEPT_TOTAL_FROM", 3)
    keys = ["e:alpha", "n:1400"]
    for n in range(2):
        _article(database_url, outlets["wire"], n, "en", keys)

    def total() -> int:
        with session_scope(database_url) as session:
            return lookup(session, keys, dict.fromkeys(keys, 1.0), T0).total

    assert total() == 2  # under the bar: not kept
    _article(database_url, outlets["wire"], 2, "en", keys)
    assert total() == 3  # counted again, and kept from now on
    _article(database_url, outlets["wire"], 3, "en", keys)
    assert total() == 3
    later = story_index._clock() + story_index.TOTAL_TTL
    monkeypatch.setattr(story_index, "_clock", lambda: later)
    assert total() == 4  # a minute later
