"""The watches page, the ``?watch=`` filter of the article list and the JSON API, the header
count and each watch's tokened Atom feed, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import feedparser
import pytest
from starlette.testclient import TestClient

from storage.article_record import ArticleRecord
from storage.db import session_scope
from storage.ingest import save_article
from storage.sources import source_id
from storage.watches import list_watches, watch_token
from tests.watch.texts import ARABIC_PEGASUS

Editor = tuple[TestClient, str]
ROW = re.compile(r'<article class="item[^"]*" data-id="(\d+)"')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """The filter is SQL: these routes run on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def arabic_pegasus(seeded: tuple[str, dict[str, int]]) -> int:
    """An Arabic article of the seeded Arabic outlet that names Pegasus with a clitic."""
    url, _ = seeded
    with session_scope(url) as session:
        outlet = source_id(session, "aljazeera")
        assert outlet is not None
        body = ARABIC_PEGASUS.replace(" بيغاسوس", " لبيغاسوس")
        record = ArticleRecord(
            source_id=outlet,
            url="https://www.aljazeera.net/news/2026/11/20/pegasus",
            body=body,
            title="منظمة العفو الدولية وبرامج التجسس",
            language="ar",
            fetched_at=datetime(2026, 11, 20, 11, 0, tzinfo=UTC),
        )
        return save_article(session, record).article_id


def add(client: TestClient, token: str, **fields: str) -> int:
    response = client.post("/watches", data={"csrf": token, **fields}, follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.search(r"#watch-(\d+)$", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def rows(client: TestClient, query: str) -> list[int]:
    return [int(i) for i in ROW.findall(client.get("/" + query).text)]


def test_the_page_and_its_actions_need_an_editor_and_csrf(client: TestClient) -> None:
    response = client.get("/watches", follow_redirects=False)
    assert response.status_code == 303 and "/login" in response.headers["location"]
    assert client.post("/watches", data={"term": "NSO"}).status_code == 403
    assert client.post("/watches/1/remove", data={}).status_code == 403


def test_forged_forms_are_refused(editor: Editor) -> None:
    client, _ = editor
    assert client.post("/watches", data={"term": "NSO", "csrf": "forged"}).status_code == 403
    assert "NSO" not in client.get("/watches").text.split("<section", 1)[-1]


def test_a_latin_watch_filters_the_list_and_counts_in_the_header(
    editor: Editor, ids: dict[str, int], arabic_pegasus: int
) -> None:
    client, token = editor
    watch = add(client, token, term="Pegasus")  # matched once against the store after the reply
    assert rows(client, f"?watch={watch}") == [ids["nso"]]
    page = client.get("/watches").text
    assert re.search(r'id="watch-hits"[^>]*>1<', page)
    assert f'href="/?watch={watch}" class="watch-feed">1 hits' in page
    # The Arabic spelling is proposed, and matches only once accepted.
    assert 'data-alias="بيغاسوس"' in page
    alias = re.search(r'name="alias" value="(\d+)"', page)
    assert alias
    response = client.post(
        f"/watches/{watch}/accept", data={"csrf": token, "alias": alias.group(1)}
    )
    assert response.status_code == 200
    assert rows(client, f"?watch={watch}") == [arabic_pegasus, ids["nso"]]
    assert rows(client, f"?watch={watch}&language=ar") == [arabic_pegasus]
    client.post(f"/watches/{watch}/reject", data={"csrf": token, "alias": alias.group(1)})
    assert 'class="alias alias-rejected"' in client.get("/watches").text


def test_a_bad_watch_id_is_ignored_with_a_message(editor: Editor, ids: dict[str, int]) -> None:
    client, _ = editor
    page = client.get("/?watch=nope").text
    assert "ignored watch=&#39;nope&#39;" in page
    assert len(ROW.findall(page)) > 1
    assert rows(client, "?watch=999") == []  # an unknown watch hits nothing


def test_the_api_and_exports_take_the_watch_filter(
    editor: Editor, ids: dict[str, int], seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    for key in ("nso", "aj_gaza"):
        client.post(f"/articles/{ids[key]}/approve", data={"csrf": token})
    watch = add(client, token, term="NSO Group")
    items = client.get(f"/api/articles?watch={watch}").json()["items"]
    assert [i["article_id"] for i in items] == [ids["nso"]]
    assert len(client.get("/api/articles").json()["items"]) == 2


def test_each_watch_has_its_tokened_atom_feed(
    editor: Editor, ids: dict[str, int], seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    url, _ = seeded
    first = add(client, token, term="Khashoggi")
    second = add(client, token, term="Tunis")
    with session_scope(url) as session:
        first_token = watch_token(session, first)
    anonymous = TestClient(client.app)
    assert anonymous.get(f"/watch/{first}/atom.xml").status_code == 403
    assert anonymous.get(f"/watch/{second}/atom.xml?token={first_token}").status_code == 403
    response = anonymous.get(
        f"/watch/{first}/atom.xml", headers={"Authorization": f"Bearer {first_token}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.feed.title == "Watch: Khashoggi"
    assert [e.link for e in feed.entries] == [
        "https://emaratleaks.example/fr/2021/02/04/nso-group-enquete"
    ]
    assert first_token in client.get("/watches").text  # shown to editors, with the URL
    assert anonymous.get("/watch/99999/atom.xml?token=x").status_code == 403


def test_hostile_terms_are_escaped_and_removing_a_watch_keeps_articles(
    editor: Editor, ids: dict[str, int], seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    watch = add(client, token, term='<script>alert("title")')
    page = client.get("/watches").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;title&#34;)" in page
    assert rows(client, f"?watch={watch}") == [ids["hostile"]]
    response = client.post(f"/watches/{watch}/remove", data={"csrf": token})
    assert response.status_code == 200
    with session_scope(seeded[0]) as session:
        assert list_watches(session) == []
    assert ids["hostile"] in rows(client, "")


def test_a_refused_term_comes_back_with_its_reason(editor: Editor) -> None:
    client, token = editor
    add(client, token, term="NSO Group")
    response = client.post("/watches", data={"csrf": token, "term": "nso-group"})
    assert response.status_code == 400
    assert "already watched" in response.text
    assert 'value="nso-group"' in response.text
    assert client.post("/watches/1/explode", data={"csrf": token}).status_code == 404
    assert client.post("/watches/abc/remove", data={"csrf": token}).status_code == 404
    assert client.post("/watches/1/accept", data={"csrf": token, "alias": "77"}).status_code == 404
