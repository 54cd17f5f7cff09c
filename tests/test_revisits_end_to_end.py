"""Revisits end to end, on loopback: the real `aggregator crawl` (child processes) crawls an
outlet; an editor approves; the outlet changes one article's body, another's title, withdraws a
third (410) and leaves a fourth alone (304) and a fifth with only its share count changed; a
crawl with the clock moved forward (AGGREGATOR_NOW, no sleeping) records exactly one revision
for each of the first three and none for the others; the correction alerts reach Chromium,
the tokened alert feed and a loopback webhook receiver that checks their signature.

The crawls run once for the module (:func:`revisited`); the browser test skips without
Chromium (unless AGGREGATOR_REQUIRE_SERVICES=1), the others do not need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import feedparser
import pytest
from sqlalchemy import select

from aggregator.demo.server import OutletServer
from storage.articles import Article, ArticleRevision
from storage.db import session_scope
from storage.editorial import Editor, apply_action
from storage.secrets import export_token
from storage.users import add_user
from tests.alerts.receiver import webhook_receiver
from tests.spiders.crawling import run_cli
from tests.web.review_seed import PASSWORD
from tests.web.test_browser import _log_in, browser_page, serving  # noqa: F401 (fixture)

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.slow
SECRET = "desk-webhook-secret"
WORDS = (
    "The regional council met on Tuesday to vote on the new water plan, which sets out how "
    "the three valleys will share the river during the dry months. Farmers asked for more "
    "time to adapt, while the city said its reservoirs were already low. The plan passed by "
    "a narrow margin after a long debate in the council chamber."
)
NAMES = ("body", "title", "gone", "same", "shares", "listed")


def _page(name: str, title: str, body: str, shares: int = 10) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2026-12-01T08:00:00+00:00">
<meta name="author" content="Sam Reporter"></head><body>
<header><nav><a href="/">Home</a></nav></header>
<article><h1>{title}</h1><p>{body}</p><p>Second paragraph about {name}: {WORDS}</p></article>
<aside class="share">Shared {shares} times</aside></body></html>"""


def _write(root: Path, name: str, title: str, body: str, shares: int = 10) -> None:
    (root / f"{name}.html").write_text(_page(name, title, body, shares), encoding="utf-8")


def _feed(root: Path, updated: dict[str, datetime] | None = None) -> None:
    """The outlet's RSS feed; ``updated`` gives entries an ``atom:updated`` time."""
    updated = updated or {}
    items = "".join(
        f"<item><title>Story {n}</title><link>{{{{BASE}}}}/{n}.html</link>"
        "<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>"
        + (f"<atom:updated>{updated[n].isoformat()}</atom:updated>" if n in updated else "")
        + "</item>"
        for n in NAMES
    )
    (root / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel><title>Valley News</title><link>{{{{BASE}}}}/</link>{items}</channel></rss>",
        encoding="utf-8",
    )


def _outlet(root: Path) -> None:
    root.mkdir()
    _feed(root)
    for name in NAMES:
        _write(root, name, f"Story {name}", WORDS)


def crawl(database_url: str, sources: Path, now: datetime, webhook: str) -> str:
    result = run_cli(
        database_url,
        sources,
        "crawl",
        "--progress",
        "log",
        env={
            "AGGREGATOR_NOW": now.isoformat(),
            "AGGREGATOR_ALERT_WEBHOOK_URL": webhook,
            "AGGREGATOR_ALERT_WEBHOOK_SECRET": SECRET,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _articles(url: str) -> dict[str, Article]:
    with session_scope(url) as session:
        rows = session.scalars(select(Article)).all()
        return {a.url.rsplit("/", 1)[1].removesuffix(".html"): a for a in rows}


def _revisions(url: str) -> list[ArticleRevision]:
    with session_scope(url) as session:
        return list(session.scalars(select(ArticleRevision).order_by(ArticleRevision.id)))


@dataclass
class Revisited:
    """The database after the crawls, and what the test saw on the way."""

    database_url: str
    start: datetime
    stored: dict[str, Article]
    token: str
    received: list[dict[str, Any]]
    raw_received: int
    bad_signatures: int
    requested: dict[str, list[str]]


@pytest.fixture(scope="module")
def revisited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Revisited]:
    """Crawl, approve, change the outlet, revisit with the clock moved forward."""
    tmp_path = tmp_path_factory.mktemp("revisits")
    database_url = f"sqlite:///{tmp_path / 'aggregator.db'}"
    root = tmp_path / "valley"
    _outlet(root)
    server = OutletServer(root).start()
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: valley\n"
        f"    homepage: {server.base_url}/\n    languages: [en]\n"
        f"    feeds: [{server.base_url}/feed.xml]\n    allow_networks: [127.0.0.1/32]\n"
        "    revisit: {after: [1h, 6h, 24h], approved_for: 14d}\n",
        encoding="utf-8",
    )
    start = datetime.now(UTC).replace(microsecond=0)
    requested: dict[str, list[str]] = {}
    try:
        with webhook_receiver(SECRET) as receiver:
            crawl(database_url, sources, start, receiver.url)
            stored = _articles(database_url)
            with session_scope(database_url) as session:
                for article in stored.values():
                    apply_action(session, article.id, Editor(None, "amira"), "approve")
                add_user(session, "amira", PASSWORD)
                token = export_token(session, "alerts")
            # The outlet changes: a body, a title, withdraws one, a share count on another.
            _write(root, "body", "Story body", WORDS.replace("narrow margin", "wide margin"))
            _write(root, "title", "Story title: council backs plan", WORDS)
            server.routes["/gone.html"] = {"status": 410}
            _write(root, "shares", "Story shares", WORDS, shares=99)
            # The feed says "listed" changed 20 minutes after we fetched it.
            _write(root, "listed", "Story listed", WORDS.replace("Tuesday", "Wednesday"))
            _feed(root, {"listed": start + timedelta(minutes=20)})
            server.clear()
            # Not due yet at +30 min: only what the feed says changed is fetched again.
            crawl(database_url, sources, start + timedelta(minutes=30), receiver.url)
            requested["early"] = [p for p in server.requested() if p.endswith(".html")]
            requested["early_revisions"] = [str(len(_revisions(database_url)))]
            server.clear()
            crawl(database_url, sources, start + timedelta(hours=2), receiver.url)
            requested["all"] = [h.path + f" {h.status}" for h in server.hits]
            requested["after_second"] = [str(len(_revisions(database_url)))]
            # Nothing changed since: the next revisits record no revision.
            crawl(database_url, sources, start + timedelta(hours=7), receiver.url)
            yield Revisited(
                database_url,
                start,
                stored,
                token,
                receiver.alerts(),
                len(receiver.received),
                receiver.bad_signatures,
                requested,
            )
    finally:
        server.stop()


def test_first_crawl_schedules_revisits_with_validators(revisited: Revisited) -> None:
    assert sorted(revisited.stored) == sorted(NAMES)
    first = revisited.start + timedelta(hours=1)
    assert all(a.next_revisit_at == first for a in revisited.stored.values())
    assert all(a.etag for a in revisited.stored.values())
    assert revisited.requested["early"] == ["/listed.html"]
    assert revisited.requested["early_revisions"] == ["1"]


def test_each_change_is_exactly_one_revision_and_unchanged_pages_none(
    revisited: Revisited,
) -> None:
    url, start = revisited.database_url, revisited.start
    revisions = _revisions(url)
    assert revisited.requested["after_second"] == ["4"] and len(revisions) == 4
    by_article = {a.id: name for name, a in revisited.stored.items()}
    assert sorted((by_article[r.article_id], r.kind) for r in revisions) == [
        ("body", "edit"),
        ("gone", "withdrawn"),
        ("listed", "edit"),
        ("title", "edit"),
    ], revisited.requested["all"]
    # Revisited again at +2 h by the schedule, unchanged since the feed's update: 304.
    assert "/listed.html 304" in revisited.requested["all"]
    assert "/same.html 304" in revisited.requested["all"]
    assert "/shares.html 200" in revisited.requested["all"]
    body = next(r for r in revisions if by_article[r.article_id] == "body")
    assert body.changed == ["body"]
    assert ["-", "narrow"] in body.diff["body"] and ["+", "wide"] in body.diff["body"]
    title = next(r for r in revisions if by_article[r.article_id] == "title")
    assert title.changed == ["title"] and title.diff["title"][0] == ["=", "Story title"]
    after = _articles(url)
    assert after["gone"].withdrawn_at == start + timedelta(hours=2)
    assert after["gone"].next_revisit_at is None
    assert after["title"].title == "Story title: council backs plan"
    assert (after["same"].revisits, after["same"].revision) == (2, 1)
    assert after["shares"].revision == 1
    assert after["body"].next_revisit_at == start + timedelta(hours=24)


def test_webhook_received_each_correction_alert_signed_once(revisited: Revisited) -> None:
    assert revisited.bad_signatures == 0
    kinds = sorted(a["details"]["kind"] for a in revisited.received)
    assert kinds == ["edit", "edit", "edit", "withdrawn"]
    assert revisited.raw_received == 4


def test_alert_feed_lists_the_corrections(revisited: Revisited) -> None:
    with serving(revisited.database_url) as base:
        import urllib.request

        with urllib.request.urlopen(f"{base}/export/alerts.atom?token={revisited.token}") as r:
            feed = feedparser.parse(r.read())
    assert len(feed.entries) == 4
    assert any("[-narrow-]{+wide+}" in e.summary for e in feed.entries)


def test_alerts_in_the_browser(revisited: Revisited, browser_page: Any) -> None:  # noqa: F811
    with serving(revisited.database_url) as base:
        page = browser_page
        _log_in(page, base)
        assert page.text_content("#unseen-alerts") == "4"
        page.click("#nav-alerts")
        page.wait_for_url(base + "/alerts")
        assert page.locator("li.alert").count() == 4
        assert page.locator("li.alert .diff-body del").first.text_content() == "narrow"
        assert page.locator("li.alert .diff-body ins").first.text_content() == "wide"
        page.locator("li.alert").first.locator("button").click()
        page.wait_for_url(base + "/alerts")
        assert page.text_content("#unseen-alerts") == "3"
        assert page.locator("li.alert").count() == 3
