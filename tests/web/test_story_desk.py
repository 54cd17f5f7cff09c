"""The editors' story desk: the feed folds a story across languages, the story view explains
it and draws its chain, and editors merge stories and split articles out (on both databases).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from starlette.testclient import TestClient

from aggregator.web.app import create_app
from storage.articles import Article
from storage.db import session_scope
from storage.editorial import EditorialAction
from storage.stories import Link, StoryConstraint, join, membership

from .client_helpers import log_in
from .story_seed import ATTRIBUTION, HOSTILE_NAME, seed_stories, story_of

Desk = tuple[TestClient, str, str, dict[str, int]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def desk(seeded: tuple[str, dict[str, int]]) -> Iterator[Desk]:
    """A logged-in client, its CSRF token, the database and the stories' ids."""
    url = seeded[0]
    ids = seed_stories(url)
    with TestClient(create_app(url, secret_key="k" * 32)) as client:
        yield client, log_in(client), url, ids


def _row(html: str, article_id: int) -> str:
    return html.split(f'data-id="{article_id}"')[1].split("</article>")[0]


def test_the_feed_folds_the_story_across_languages(desk: Desk) -> None:
    client, _, _, ids = desk
    html = client.get("/").text
    assert f'data-id="{ids["fr"]}"' not in html and f'data-id="{ids["ar"]}"' not in html
    row = _row(html, ids["en"])  # the origin is the row
    assert re.findall(r'class="lang-badge">(\w+)<', row) == ["en", "ar", "fr"]
    assert "also in ar, fr<" in row
    assert "The Guardian" not in row.split("also in:")[1]  # never its own outlet
    assert f'href="/stories/{ids["nso_story"]}?back=' in row
    # Filtered to Arabic, the Arabic member stands for the story; it is one row either way.
    arabic = client.get("/?language=ar").text
    assert f'data-id="{ids["ar"]}"' in arabic
    assert "also in en, fr<" in _row(arabic, ids["ar"])
    # Each member's page leads to the story view.
    article = client.get(f"/articles/{ids['fr']}").text
    assert f'href="/stories/{ids["nso_story"]}?back=' in article


def test_the_story_view_explains_every_member_and_draws_the_chain(desk: Desk) -> None:
    client, _, _, ids = desk
    html = client.get(f"/stories/{ids['nso_story']}").text
    groups = re.findall(r'class="language-group" data-language="(\w+)"', html)
    assert groups == ["en", "fr", "ar"]  # the origin's language first
    fr = html.split('data-language="fr"')[1].split('class="language-group"')[0]
    assert "translation" in fr and ">87%<" in fr and "إمارات ليكس" in fr
    assert "shared names: NSO Group, WhatsApp" in fr
    assert "shared numbers: 2019" in fr
    assert "names spelled alike across scripts (consonants): nsgrp" in fr
    assert "shared links: https://www.justice.gov/" in fr
    assert "match score 0.87 (bar 0.30)" in fr
    assert "attribution (sentence) to The Guardian: “" + ATTRIBUTION + "”" in fr
    assert "credits The Guardian" in fr
    ar = html.split('data-language="ar"')[1]
    assert "republication" in ar and ">91%<" in ar
    assert 'lang="ar" dir="rtl"' in ar
    # The chain: original -> translation -> republication, drawn in three columns.
    svg = html.split('<svg class="story-graph"')[1].split("</svg>")[0]
    nodes = re.findall(r'class="node relation-(\w+)[^"]*" data-article="(\d+)"', svg)
    assert nodes == [
        ("original", str(ids["en"])),
        ("translation", str(ids["fr"])),
        ("republication", str(ids["ar"])),
    ]
    xs = [int(x) for x in re.findall(r'<rect x="(\d+)"', svg)]
    assert xs[0] < xs[1] < xs[2]
    assert re.findall(r'class="edge-label">(\w+)<', svg) == ["translation", "republication"]
    # Scraped strings are escaped everywhere, the evidence included.
    assert HOSTILE_NAME not in html and "&lt;script&gt;alert(&#39;evidence&#39;)" in html


def test_merge_and_split_are_recorded_and_respected(desk: Desk) -> None:
    client, token, url, ids = desk
    nso, port = ids["nso_story"], ids["port_story"]
    done = client.post(
        f"/stories/{nso}/merge",
        data={"csrf": token, "other": "", "other_id": f" {port} "},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/stories/{nso}"
    assert story_of(url, ids["port_fr"]) == nso and story_of(url, ids["port_en"]) == nso
    # The merged story's address leads to the story it went into.
    moved = client.get(f"/stories/{port}", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == f"/stories/{nso}"
    done = client.post(
        f"/stories/{nso}/split",
        data={"csrf": token, "article": str(ids["ar"])},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert story_of(url, ids["ar"]) is None
    html = client.get(f"/stories/{nso}").text
    history = html.split('id="story-history"')[1].split("</ol>")[0]
    assert re.findall(r'data-action="(\w+)"', history) == ["split", "merge"]
    split_line = f'article <a href="/articles/{ids["ar"]}">{ids["ar"]}</a> out of story {nso}'
    assert split_line in history
    assert f"story {port} into story {nso}" in history
    assert "amira" in history
    with session_scope(url) as session:
        actions = [
            a.action
            for a in session.query(EditorialAction).filter(
                EditorialAction.action.in_(["split", "merge"])
            )
        ]
        assert sorted(actions) == ["merge", "split"]
        kinds = sorted(c.kind for c in session.query(StoryConstraint))
        assert kinds == ["merge", "split"]
        # Linking again (as the crawler would when the article comes back) keeps it out.
        ar, fr = session.get(Article, ids["ar"]), session.get(Article, ids["fr"])
        assert ar is not None and fr is not None
        assert join(session, ar, fr, Link("republication", 0.95, {})) is None
        assert membership(session, ids["ar"]) is None and ar.story_id is None


def test_refused_moves_say_why(desk: Desk) -> None:
    client, token, _, ids = desk
    nso = ids["nso_story"]
    bad = client.post(f"/stories/{nso}/merge", data={"csrf": token, "other": "zz"})
    assert bad.status_code == 400
    assert "'zz' is not an id (field 'other')" in unescape(bad.text)
    typed = client.post(
        f"/stories/{nso}/merge",
        data={"csrf": token, "other": str(ids["port_story"]), "other_id": "x1"},
    )
    assert typed.status_code == 400  # the typed id wins over the list's choice, and is checked
    assert "'x1' is not an id (field 'other_id')" in unescape(typed.text)
    itself = client.post(f"/stories/{nso}/merge", data={"csrf": token, "other": str(nso)})
    assert itself.status_code == 400 and "cannot be merged into itself" in itself.text
    stranger = client.post(
        f"/stories/{nso}/split", data={"csrf": token, "article": str(ids["port_en"])}
    )
    assert stranger.status_code == 400
    assert f"article {ids['port_en']} is not in story {nso}" in unescape(stranger.text)
    assert client.post(f"/stories/{nso}/split", data={"article": str(ids["ar"])}).status_code == 403
    assert client.post(f"/stories/{nso}/explode", data={"csrf": token}).status_code == 404
    assert client.get("/stories/99999").status_code == 404
    assert client.get("/stories/abc").status_code == 404


def test_the_story_desk_is_for_logged_in_editors(
    client: TestClient, seeded: tuple[str, dict[str, int]]
) -> None:
    ids = seed_stories(seeded[0])
    page = client.get(f"/stories/{ids['nso_story']}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    move = client.post(f"/stories/{ids['nso_story']}/split", data={"article": str(ids["ar"])})
    assert move.status_code == 403
    assert story_of(seeded[0], ids["ar"]) == ids["nso_story"]


def test_hostile_outlet_and_title_in_a_story_stay_text(desk: Desk) -> None:
    """The hostile article joins the port story: its outlet label (a tag) is drawn in the
    graph and listed as text, its javascript: URL is no link."""
    client, _, url, ids = desk
    with session_scope(url) as session:
        hostile = session.query(Article).filter(Article.title.like("<script>%")).one()
        port = session.get(Article, ids["port_en"])
        assert port is not None
        assert join(session, hostile, port, Link("retelling", 0.5, {"time": "after"})) is not None
    page = client.get(f"/stories/{ids['port_story']}").text
    svg = page.split('<svg class="story-graph"')[1].split("</svg>")[0]
    assert "&lt;img src=x onerror=alert(" in svg and "<img" not in svg
    assert "<script>" not in page and "<img" not in page
    assert 'href="javascript:' not in page
    assert "published after the article it matched" in page
