"""What a newcomer tripped on in the review page (issue 16), one test each: "Older →" keeps
``limit``, the history shows a summary edit, a lead paragraph is shown once, and "also in"
never names the row's own outlet."""

from __future__ import annotations

import html as markup
import re

from starlette.testclient import TestClient

from storage.articles import Article
from storage.db import session_scope

Editor = tuple[TestClient, str]


def test_older_keeps_the_page_size(editor: Editor) -> None:
    client, _ = editor
    first = client.get("/?limit=2").text
    older = re.search(r'href="([^"]+)" rel="next" id="older"', first)
    assert older, "a second page exists at 2 rows a page"
    link = markup.unescape(older.group(1))
    assert "limit=2" in link
    second = client.get("/" + link).text
    assert second.count('<article class="item') == 2


def test_history_shows_the_summary_edit(editor: Editor, ids: dict[str, int]) -> None:
    client, token = editor
    client.post(
        f"/articles/{ids['gu_tunisia']}/edit",
        data={"csrf": token, "title": "Tunisia: bread protests", "summary": "Unions strike."},
    )
    history = client.get(f"/articles/{ids['gu_tunisia']}").text.split("Editorial history")[1]
    assert "title → <bdi>Tunisia: bread protests</bdi>" in history
    assert "summary → <bdi>Unions strike.</bdi>" in history


def test_a_description_the_body_repeats_is_shown_once(editor: Editor, ids: dict[str, int]) -> None:
    client, _ = editor

    def story(key: str) -> str:  # the article itself, not the side panel's edit form
        return client.get(f"/articles/{ids[key]}").text.split('id="article"')[1].split("<aside")[0]

    # The NSO report's description is its first French paragraph (as on the demo site).
    page = story("nso")
    assert page.count("NSO Group semble faire l’objet d’un nouvel examen minutieux") == 1
    # Le Monde's description is its second paragraph.
    page = story("lm_tunisia")
    assert page.count("Les syndicats appellent à la grève.") == 1
    assert '<p class="lead">' not in page


def test_also_in_never_names_the_rows_own_outlet(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, _ = editor
    url, ids = seeded
    with session_scope(url) as session:  # the Guardian's second version of the story
        first = session.get(Article, ids["gu_tunisia"])
        assert first is not None
        session.add(
            Article(
                source_id=first.source_id,
                story_id=first.story_id,
                url=first.url + "-live",
                title="Tunisia protests: live",
                body="Live coverage.",
                language="en",
                body_hash="1" * 64,
                word_count=2,
                sort_at=first.sort_at.replace(hour=first.sort_at.hour + 5),
                first_seen_at=first.first_seen_at,
                fetched_at=first.fetched_at,
                updated_at=first.updated_at,
            )
        )
    feed = client.get("/?source=guardian").text
    also = re.search(r'<p class="also-in">(.*?)</p>', feed, flags=re.S)
    assert also, "the story is told elsewhere too"
    assert "The Guardian" not in also.group(1)
    assert "Le Monde" in also.group(1)
