"""The alerts page, the header count, mark seen (CSRF, editors only) and the alert feed."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
from starlette.testclient import TestClient

from storage.alerts import raise_alert
from storage.db import session_scope
from storage.secrets import export_token

Editor = tuple[TestClient, str]
HOSTILE = '<script>alert("x")</script>'


def _correction(url: str, article_id: int) -> int:
    with session_scope(url) as session:
        alert, _ = raise_alert(
            session,
            kind="correction",
            source_name="aljazeera",
            subject=f"article {article_id}",
            message="Correction to an approved article: body changed",
            details={
                "kind": "correction",
                "article_id": article_id,
                "url": "https://aljazeera.example/a",
                "language": "ar",
                "changed": ["body"],
                "diff": {
                    "body": [["=", "وصول "], ["-", "قافلة"], ["+", HOSTILE], ["=", " إلى غزة"]],
                    "title": [["=", "غزة"]],
                },
            },
            dedupe_key=f"correction:{article_id}:2",
            now=datetime(2026, 12, 2, 6, 0, tzinfo=UTC),
        )
        return alert.id


def test_alerts_page_shows_the_diff_escaped_right_to_left(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, _ = editor
    url, ids = seeded
    alert_id = _correction(url, ids["aj_gaza"])
    page = client.get("/").text
    assert 'id="unseen-alerts"' in page and ">1</span>" in page  # every page's header
    html = client.get("/alerts").text
    assert f'id="alert-{alert_id}"' in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert '<p class="diff" dir="rtl" lang="ar">' in html
    assert "<del>قافلة</del>" in html and "<ins>&lt;script&gt;" in html
    assert f'href="/articles/{ids["aj_gaza"]}"' in html


def test_mark_seen_needs_csrf_and_clears_the_count(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    url, ids = seeded
    alert_id = _correction(url, ids["aj_gaza"])
    assert client.post(f"/alerts/{alert_id}/seen", data={}).status_code == 403
    assert client.post("/alerts/999999/seen", data={"csrf": token}).status_code == 404
    done = client.post(f"/alerts/{alert_id}/seen", data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 303
    assert 'id="unseen-alerts"' not in client.get("/").text
    assert f'id="alert-{alert_id}"' not in client.get("/alerts").text
    assert f'id="alert-{alert_id}"' in client.get("/alerts?all=1").text


def test_anonymous_cannot_list_or_mark(
    client: TestClient, seeded: tuple[str, dict[str, int]]
) -> None:
    url, ids = seeded
    alert_id = _correction(url, ids["aj_gaza"])
    assert client.get("/alerts", follow_redirects=False).status_code == 303
    assert client.post(f"/alerts/{alert_id}/seen", data={"csrf": "x"}).status_code == 403


def test_alert_feed_is_tokened_and_lists_every_kind(
    client: TestClient, seeded: tuple[str, dict[str, int]]
) -> None:
    url, ids = seeded
    _correction(url, ids["aj_gaza"])
    with session_scope(url) as session:
        raise_alert(
            session,
            kind="extraction_quality",
            source_name="wire",
            subject="date",
            message="date found on 0% of pages",
            details={},
            dedupe_key="extraction_quality:wire:date:1",
        )
        token = export_token(session, "alerts")
        atom = export_token(session, "atom")
    assert client.get("/export/alerts.atom").status_code == 403
    assert client.get(f"/export/alerts.atom?token={atom}").status_code == 403
    response = client.get("/export/alerts.atom", headers={"Authorization": f"Bearer {token}"})
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert sorted(e.title.split("]")[0] for e in parsed.entries) == [
        "[correction",
        "[extraction_quality",
    ]
    correction = next(e for e in parsed.entries if e.title.startswith("[correction"))
    assert "[-قافلة-]" in correction.summary and "{+<script>" in correction.summary
    only = feedparser.parse(
        client.get(f"/export/alerts.atom?token={token}&kind=correction").content
    )
    assert [e.title.split("]")[0] for e in only.entries] == ["[correction"]
    assert client.get(f"/export/alerts.atom?token={token}&kind=nope").status_code == 400
