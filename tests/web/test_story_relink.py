"""An editor's split holds when the linker runs again (the store-time linking of
``storage.story_links``), on both databases.

A real story of the development set (one English original and its French and Arabic human
translations, ``../shared/data/stories-dev``) is stored as the crawler stores articles; the
linker makes one story of it, which the story page shows with the linker's evidence in words.
The editor splits the Arabic article out on the story page;
linking it again, and re-fetching it with an edited body, leave it out.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from aggregator.web.app import create_app
from storage.article_record import ArticleRecord
from storage.articles import Article
from storage.db import session_scope
from storage.ingest import save_article
from storage.sources import sync_source
from storage.stories import membership
from storage.story_index import remove_profile
from storage.story_links import link_article
from storage.users import add_user

from .client_helpers import log_in
from .review_seed import PASSWORD
from .story_seed import story_of

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "stories-dev" / "ntrex-dev.jsonl"
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OUTLETS = {"en": "guardian", "fr": "lemonde", "ar": "aljazeera"}


def _first_story() -> dict[str, dict[str, str]]:
    """The first development story in English, French and Arabic (skips when absent)."""
    if not DEV.exists():
        pytest.skip(f"{DEV} is absent (the shared development set)")
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    story = rows[0]["story"]
    return {r["lang"]: r for r in rows if r["story"] == story and r["lang"] in OUTLETS}


def _store(url: str) -> dict[str, int]:
    """The three articles stored in time order, as the crawl pipeline stores them."""
    texts = _first_story()
    ids = {}
    with session_scope(url) as session:
        add_user(session, "amira", PASSWORD)
        for hours, language in enumerate(("en", "fr", "ar")):
            source = sync_source(
                session,
                OUTLETS[language],
                label=OUTLETS[language].title(),
                homepage=f"https://{OUTLETS[language]}.example/",
                languages=[language],
                timezone="UTC",
                enabled=True,
                schedule=None,
                config={},
            )
            text = texts[language]
            record = ArticleRecord(
                source_id=source.id,
                url=f"https://{OUTLETS[language]}.example/2026/11/20/welsh-assembly",
                title=text["title"],
                body=text["body"],
                language=language,
                published_at=T0 + timedelta(hours=3 * hours),
                fetched_at=T0 + timedelta(hours=3 * hours, minutes=5),
            )
            ids[language] = save_article(session, record).article_id
    return ids


def test_a_split_article_is_not_joined_again_by_the_linker(database_url: str) -> None:
    ids = _store(database_url)
    story = story_of(database_url, ids["en"])
    assert story is not None
    assert {story_of(database_url, ids[lang]) for lang in ("fr", "ar")} == {story}
    with TestClient(create_app(database_url, secret_key="k" * 32)) as client:
        token = log_in(client)
        # The linker's own evidence reads as words on the story page.
        page = client.get(f"/stories/{story}").text
        assert re.findall(r'data-language="(\w+)"', page) == ["en", "fr", "ar"]
        assert page.count('<g class="node') == 3 and page.count('<g class="edge') == 2
        assert len(re.findall(r'class="confidence">\d{1,3}%<', page)) == 3
        assert "shared " in page and "match score" in page
        done = client.post(
            f"/stories/{story}/split",
            data={"csrf": token, "article": str(ids["ar"])},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert f'<li data-id="{ids["ar"]}">' in client.get(f"/stories/{story}").text
    assert story_of(database_url, ids["ar"]) is None
    # The linker runs again for the Arabic article: its match is still in the window, but
    # the editor's split refuses the story.
    with session_scope(database_url) as session:
        article = session.get(Article, ids["ar"])
        assert article is not None
        remove_profile(session, article.id)
        linked = link_article(session, article, joined=False)
        assert linked.story_id is None and membership(session, ids["ar"]) is None
    # A re-fetch with an edited body does not bring it back either.
    with session_scope(database_url) as session:
        article = session.get(Article, ids["ar"])
        assert article is not None
        record = ArticleRecord(
            source_id=article.source_id,
            url=article.url,
            title=article.title or "",
            body=(article.body or "") + "\n\nتحديث: أضيفت تفاصيل جديدة.",
            language="ar",
            published_at=article.published_at,
            fetched_at=T0 + timedelta(days=1),
        )
        save_article(session, record)
    assert story_of(database_url, ids["ar"]) is None
    assert {story_of(database_url, ids[lang]) for lang in ("en", "fr")} == {story}
