"""After a revisit changed an approved article: the article page shows the diff (Arabic right
to left, hostile text escaped), the editor chooses whether the republication copy follows the
new text, and the exports carry the article's ``updated`` time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import feedparser
from starlette.testclient import TestClient

from storage.article_record import ArticleRecord
from storage.articles import Article
from storage.db import session_scope
from storage.ingest import save_article
from storage.secrets import export_token

Editor = tuple[TestClient, str]
# The revisit's clock, one to two hours ahead, on the hour: after the approvals the tests make
# now even when the suite crosses an hour between importing this module and running it, and
# inside the Sources page's last 7 days whenever the test runs.
REVISED_AT = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
HOSTILE = "<script>alert(1)</script>"


def _revise(url: str, article_id: int, title: str, extra: str) -> None:
    """Store a new fetch of the article, as a revisit would."""
    with session_scope(url) as session:
        article = session.get(Article, article_id)
        assert article is not None
        record = ArticleRecord(
            source_id=article.source_id,
            url=article.url,
            fetched_at=REVISED_AT,
            body=article.body + "\n\n" + extra,
            title=title,
            language=article.language,
            revisited=True,
        )
        assert save_article(session, dataclasses.replace(record)).kind == "updated"


def test_article_page_shows_the_diff_and_the_choice(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    url, ids = seeded
    article_id = ids["aj_gaza"]
    client.post(f"/articles/{article_id}/approve", data={"csrf": token})
    _revise(url, article_id, "وصول قافلة ثانية إلى غزة", f"تصحيح: {HOSTILE} الرقم الصحيح 12.")
    html = client.get(f"/articles/{article_id}").text
    assert 'id="revision-1"' in html and "(correction)" in html
    assert '<p class="diff" dir="rtl" lang="ar">' in html
    assert "<ins>ثانية </ins>" in html or "<ins>ثانية</ins>" in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "Follow the new text" in html and "Keep the earlier text" in html
    # The alerts page got a correction alert for the approved article.
    assert f'href="/articles/{article_id}"' in client.get("/alerts").text


def test_keep_freezes_the_copy_follow_releases_it_and_exports_say_updated(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    url, ids = seeded
    article_id = ids["aj_gaza"]
    client.post(f"/articles/{article_id}/approve", data={"csrf": token})
    with session_scope(url) as session:
        article = session.get(Article, article_id)
        assert article is not None
        old_title = article.title
        atom = export_token(session, "atom")
    _revise(url, article_id, "عنوان جديد", "فقرة جديدة.")

    def entry() -> feedparser.FeedParserDict:
        feed = feedparser.parse(client.get(f"/export/atom.xml?token={atom}").content)
        return next(e for e in feed.entries if e.id.endswith("/gaza"))

    assert entry().title == "عنوان جديد"  # no edited copy: the export follows the outlet
    assert entry().updated == REVISED_AT.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert client.post(f"/articles/{article_id}/keep", data={"csrf": token}).status_code == 200
    assert entry().title == old_title
    client.post(f"/articles/{article_id}/follow", data={"csrf": token})
    assert entry().title == "عنوان جديد"


def test_keep_without_a_revision_is_refused(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    _, ids = seeded
    response = client.post(f"/articles/{ids['nso']}/keep", data={"csrf": token})
    assert response.status_code == 400 and "no earlier text" in response.text


def test_sources_page_and_article_page_show_revisits_and_withdrawals(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    from storage.revisits import record_withdrawn

    client, _ = editor
    url, ids = seeded
    _revise(url, ids["aj_gaza"], "عنوان جديد", "فقرة جديدة.")
    with session_scope(url) as session:
        assert record_withdrawn(session, ids["aj_tunisia"], 410, REVISED_AT)
    sources = client.get("/sources").text
    row = sources.split('id="source-aljazeera"', 1)[1].split("</tr>", 1)[0]
    # The revisit that found the new text and the one that found the 410.
    assert "2 revisits" in row and "1 revisions (7 d)" in row and "1 withdrawn" in row
    page = client.get(f"/articles/{ids['aj_tunisia']}").text
    assert 'id="withdrawn"' in page and REVISED_AT.strftime("%Y-%m-%d %H:%M UTC") in page
    assert "(withdrawn)" in page
