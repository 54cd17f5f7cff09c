"""Store-time linking on both databases, with real articles of the development set: an Arabic
translation matched only by a later translation joins the story. (Two reports sharing names
staying apart is tested on the scorer with a whole window's frequencies:
tests/stories/test_score.py.)"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from storage.db import session_scope
from storage.ingest import save_article
from storage.stories import membership
from storage.story_index import StoryFeature, StoryProfile
from tests.storage.conftest import record

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "stories-dev"
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DEV / name).read_text(encoding="utf-8").splitlines()]


def _store(url: str, outlet: int, row: dict[str, Any], when: datetime, *, link: bool = True) -> int:
    digest = hashlib.sha1(f"{row['story']}{row['lang']}".encode()).hexdigest()[:12]
    with session_scope(url) as session:
        return save_article(
            session,
            record(
                outlet,
                f"https://o{outlet}.example/{row['lang']}/{digest}",
                row["body"],
                title=row["title"],
                language=row["lang"],
                published_at=when,
            ),
            link=link,
        ).article_id


def _story_of(url: str, article_id: int) -> int | None:
    with session_scope(url) as session:
        member = membership(session, article_id)
        return None if member is None else member.story_id


def _background(
    url: str, outlets: dict[str, int], rows: list[dict[str, Any]], skip: set[str], count: int
) -> list[int]:
    """Other stories of the set in the window (English, Arabic when there is one, French),
    so that frequencies are a window's, not a handful of articles'."""
    stories = sorted({r["story"] for r in rows} - skip)[:count]
    ids = []
    for n, story in enumerate(stories):
        for lang, outlet in (("en", "wire"), ("ar", "daily"), ("fr", "weekly")):
            row = next((r for r in rows if r["story"] == story and r["lang"] == lang), None)
            if row is not None:
                ids.append(_store(url, outlets[outlet], row, T0 + timedelta(hours=n, minutes=5)))
    return ids


def test_an_arabic_translation_found_by_a_later_translation_joins_the_story(
    database_url: str, outlets: dict[str, int]
) -> None:
    rows = _rows("ntrex-dev.jsonl")
    story = "ntrex:reuters.218933"  # China, the US: its Arabic shares little with the English
    _background(database_url, outlets, rows, {story}, 8)
    mine = {r["lang"]: r for r in rows if r["story"] == story}
    at = T0 + timedelta(hours=20)
    english = _store(database_url, outlets["wire"], mine["en"], at)
    arabic = _store(database_url, outlets["daily"], mine["ar"], at + timedelta(hours=1))
    spanish = _store(database_url, outlets["weekly"], mine["es"], at + timedelta(hours=2))
    story_id = _story_of(database_url, english)
    assert story_id is not None
    assert _story_of(database_url, spanish) == story_id
    assert _story_of(database_url, arabic) == story_id


def test_an_article_matched_by_a_later_translation_at_the_bar_joins_its_story(
    database_url: str, outlets: dict[str, int]
) -> None:
    """The Arabic of a short report stored after its French translation misses it (its only
    shared features are two places); the Spanish translation stored next matches both, and
    a match over the ordinary bar brings the Arabic into the story, as it would have joined
    had it arrived after the Spanish."""
    rows = _rows("ntrex-dev.jsonl")
    story = "ntrex:scotsman.133783"  # Scotland, the EU, Brexit: short, few names
    _background(database_url, outlets, rows, {story}, 8)
    mine = {r["lang"]: r for r in rows if r["story"] == story}
    at = T0 + timedelta(hours=20)
    french = _store(database_url, outlets["weekly"], mine["fr"], at)
    arabic = _store(database_url, outlets["daily"], mine["ar"], at + timedelta(hours=1))
    assert _story_of(database_url, arabic) is None
    spanish = _store(database_url, outlets["wire"], mine["es"], at + timedelta(hours=2))
    story_id = _story_of(database_url, french)
    assert story_id is not None
    assert _story_of(database_url, spanish) == story_id
    assert _story_of(database_url, arabic) == story_id


def test_with_linking_off_a_translation_is_stored_alone_and_never_indexed(
    database_url: str, outlets: dict[str, int]
) -> None:
    # AGGREGATOR_STORY_LINKING=false: the article is stored, in no story and not in the
    # candidate index; articles stored with linking on still link past it.
    rows = _rows("ntrex-dev.jsonl")
    story = "ntrex:reuters.218933"
    _background(database_url, outlets, rows, {story}, 4)
    mine = {r["lang"]: r for r in rows if r["story"] == story}
    at = T0 + timedelta(hours=20)
    english = _store(database_url, outlets["wire"], mine["en"], at)
    french = _store(
        database_url, outlets["weekly"], mine["fr"], at + timedelta(hours=1), link=False
    )
    spanish = _store(database_url, outlets["daily"], mine["es"], at + timedelta(hours=2))
    assert _story_of(database_url, french) is None
    story_id = _story_of(database_url, english)
    assert story_id is not None and _story_of(database_url, spanish) == story_id
    with session_scope(database_url) as session:
        for table in (StoryProfile, StoryFeature):
            indexed = select(func.count()).select_from(table).where(table.article_id == french)
            assert session.scalar(indexed) == 0
            spanish_rows = (
                select(func.count()).select_from(table).where(table.article_id == spanish)
            )
            assert session.scalar(spanish_rows) > 0
