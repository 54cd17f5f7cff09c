"""Exports over HTTP: token required, approved items only, filters, clean feeds."""

from __future__ import annotations

import re

import feedparser
import pytest
from starlette.testclient import TestClient

from storage.db import session_scope
from storage.secrets import export_token

Editor = tuple[TestClient, str]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """These routes run on SQLite and on PostgreSQL."""
    return str(request.param)


def _token(url: str, feed: str) -> str:
    with session_scope(url) as session:
        return export_token(session, feed)


def _approve_two(client: TestClient, token: str, ids: dict[str, int]) -> None:
    client.post(
        f"/articles/{ids['nso']}/edit",
        data={"csrf": token, "title": "NSO under US inquiry", "then": "approve"},
    )
    client.post(f"/articles/{ids['aj_gaza']}/approve", data={"csrf": token})


def test_feeds_need_their_own_token(client: TestClient, seeded: tuple[str, dict[str, int]]) -> None:
    url, _ = seeded
    assert client.get("/export/atom.xml").status_code == 403
    assert client.get("/export/atom.xml?token=wrong").status_code == 403
    # The RSS token does not open the Atom feed.
    assert client.get(f"/export/atom.xml?token={_token(url, 'rss')}").status_code == 403
    assert client.get(f"/export/atom.xml?token={_token(url, 'atom')}").status_code == 200
    assert client.get("/export/nothing.xml?token=x").status_code == 404


def test_atom_export_has_approved_items_with_attribution(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    url, ids = seeded
    _approve_two(client, token, ids)
    client.post("/logout", data={"csrf": token})
    response = client.get(f"/export/atom.xml?token={_token(url, 'atom')}")
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    titles = [e.title for e in parsed.entries]
    assert sorted(titles) == ["NSO under US inquiry", "وصول قافلة مساعدات جديدة إلى غزة"]
    nso = next(e for e in parsed.entries if e.title == "NSO under US inquiry")
    assert nso.link == "https://emaratleaks.example/fr/2021/02/04/nso-group-enquete"
    assert nso.rights == (
        "Originally published by إمارات ليكس on 2026-11-20T10:00+00:00: "
        "https://emaratleaks.example/fr/2021/02/04/nso-group-enquete"
    )
    # The self link does not leak the token.
    assert "token=" not in parsed.feed.links[0].href


def test_rss_and_json_feed_over_http(editor: Editor, seeded: tuple[str, dict[str, int]]) -> None:
    client, token = editor
    url, ids = seeded
    _approve_two(client, token, ids)
    rss = client.get(f"/export/rss.xml?token={_token(url, 'rss')}")
    parsed = feedparser.parse(rss.content)
    assert not parsed.bozo and parsed.version == "rss20"
    assert len(parsed.entries) == 2
    for date in re.findall(r"<pubDate>([^<]+)</pubDate>", rss.text):
        assert date.endswith(" GMT")
    feed = client.get(f"/export/feed.json?token={_token(url, 'json')}&language=fr").json()
    assert [i["title"] for i in feed["items"]] == ["NSO under US inquiry"]


def test_exports_filter_like_the_feed(editor: Editor, seeded: tuple[str, dict[str, int]]) -> None:
    client, token = editor
    url, ids = seeded
    _approve_two(client, token, ids)
    atom = _token(url, "atom")
    for query, expected in [
        ("language=ar", 1),
        ("q=Pegasus", 1),
        ("source=guardian", 0),
        ("status=published", 0),
        ("status=new", 2),
    ]:
        parsed = feedparser.parse(client.get(f"/export/atom.xml?token={atom}&{query}").content)
        assert len(parsed.entries) == expected, query


def test_rotated_token_stops_working(editor: Editor, seeded: tuple[str, dict[str, int]]) -> None:
    client, token = editor
    url, _ = seeded
    old = _token(url, "atom")
    page = client.get("/exports").text
    assert f"/export/atom.xml?token={old}" in page
    client.post("/exports/atom/rotate", data={"csrf": token})
    new = _token(url, "atom")
    assert new != old
    client.post("/logout", data={"csrf": token})
    assert client.get(f"/export/atom.xml?token={old}").status_code == 403
    assert client.get(f"/export/atom.xml?token={new}").status_code == 200


def test_json_api_pages_with_a_cursor(editor: Editor, seeded: tuple[str, dict[str, int]]) -> None:
    client, token = editor
    url, ids = seeded
    _approve_two(client, token, ids)
    api = _token(url, "api")
    client.post("/logout", data={"csrf": token})
    assert client.get("/api/articles").status_code == 403
    first = client.get(f"/api/articles?token={api}&limit=1").json()
    assert len(first["items"]) == 1 and first["next"]
    second = client.get(first["next"].replace("http://testserver", "")).json()
    assert len(second["items"]) == 1 and second["next"] is None
    got = {first["items"][0]["article_id"], second["items"][0]["article_id"]}
    assert got == {ids["nso"], ids["aj_gaza"]}
    # Most recently approved first: the Gaza article was approved after the NSO report.
    assert first["items"][0]["article_id"] == ids["aj_gaza"]
    item = second["items"][0]
    assert item["status"] == "approved"
    assert item["_attribution"]["outlet"] == "إمارات ليكس"
    assert (
        client.get(f"/api/articles?token={api}&language=ar").json()["items"][0]["language"] == "ar"
    )


def test_the_token_also_works_in_a_header(
    client: TestClient, seeded: tuple[str, dict[str, int]]
) -> None:
    url, _ = seeded
    atom, api = _token(url, "atom"), _token(url, "api")
    bearer = {"Authorization": f"Bearer {atom}"}
    assert client.get("/export/atom.xml", headers=bearer).status_code == 200
    assert client.get("/export/atom.xml", headers={"X-Export-Token": atom}).status_code == 200
    assert client.get("/export/atom.xml", headers={"Authorization": "Bearer no"}).status_code == 403
    assert (
        client.get("/export/atom.xml", headers={"Authorization": f"Basic {atom}"}).status_code
        == 403
    )
    response = client.get("/api/articles", headers={"Authorization": f"Bearer {api}"})
    assert response.status_code == 200
    assert client.get("/api/articles", headers={"X-Export-Token": atom}).status_code == 403


def test_full_text_is_an_option_per_export_with_the_attribution_after_it(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    from tests.web.review_seed import nso_text

    client, token = editor
    url, ids = seeded
    _approve_two(client, token, ids)
    exports = client.get("/exports").text
    assert re.search(r'id="url-atom-full" readonly value="[^"]+&amp;full=1"', exports)
    client.post("/logout", data={"csrf": token})
    atom = _token(url, "atom")
    body_words = "l’utilisation systématique du logiciel espion Pegasus"
    assert body_words in nso_text()

    def nso_content(query: str) -> str:
        parsed = feedparser.parse(client.get(f"/export/atom.xml?token={atom}{query}").content)
        entry = next(e for e in parsed.entries if e.title == "NSO under US inquiry")
        return str(entry.content[0].value)

    summary_only, full = nso_content(""), nso_content("&full=1")
    assert body_words not in summary_only
    assert body_words in full
    # The attribution closes the full text too.
    assert full.rstrip().endswith("https://emaratleaks.example/fr/2021/02/04/nso-group-enquete")
    assert "Originally published by إمارات ليكس" in full
    api = client.get(f"/api/articles?token={_token(url, 'api')}&full=1").json()
    nso = next(i for i in api["items"] if i["title"] == "NSO under US inquiry")
    assert body_words in nso["content_text"]
    assert nso["content_text"].endswith(nso["_attribution"]["line"])
