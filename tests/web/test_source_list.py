"""The sources page: health from crawl runs and a daily chart per source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html
from starlette.testclient import TestClient

from storage.db import session_scope
from storage.runs import CrawlRun

Editor = tuple[TestClient, str]


def test_sources_page_shows_health_and_charts(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, _ = editor
    url, _ = seeded
    now = datetime.now(UTC)
    with session_scope(url) as session:
        session.add_all(
            CrawlRun(
                source_name="guardian",
                status="failed",
                started_at=now - timedelta(minutes=m),
                message="feed answered 503",
            )
            for m in (30, 20, 10)
        )
    html = client.get("/sources").text
    tree = lxml.html.fromstring(html)
    guardian = tree.get_element_by_id("source-guardian")
    assert "warn" in guardian.get("class")
    assert "runs failed in a row" in guardian.text_content()
    assert "feed answered 503" in guardian.text_content()
    lemonde = tree.get_element_by_id("source-lemonde")
    assert "never crawled" in lemonde.text_content()
    # One bar per day over four weeks, each with its date and count.
    bars = lemonde.findall(".//rect")
    assert len(bars) == 28
    assert bars[-1].findtext("title") == f"{now.date().isoformat()}: 0"
    # The hostile source label is escaped text inside the chart's label too.
    bad = tree.get_element_by_id("source-badsite")
    assert not bad.findall(".//img")
    assert "<img src=x" in bad.find(".//svg").get("aria-label")


def test_chart_counts_articles_per_day(editor: Editor, seeded: tuple[str, dict[str, int]]) -> None:
    from sqlalchemy import select

    from storage.articles import Article
    from storage.sources import SourceRow

    client, _ = editor
    url, _ = seeded
    today = datetime.now(UTC).replace(hour=12)
    with session_scope(url) as session:
        source = session.scalar(select(SourceRow).where(SourceRow.name == "lemonde"))
        for n, days_ago in enumerate([0, 0, 2]):
            at = today - timedelta(days=days_ago)
            session.add(
                Article(
                    source=source,
                    url=f"https://www.lemonde.fr/x/{n}",
                    title="t",
                    body="b",
                    body_hash=str(n),
                    first_seen_at=at,
                    sort_at=at,
                )
            )
    tree = lxml.html.fromstring(client.get("/sources").text)
    titles = [r.findtext("title") for r in tree.get_element_by_id("source-lemonde").iter("rect")]
    assert titles[-1] == f"{today.date().isoformat()}: 2"
    assert titles[-3] == f"{(today - timedelta(days=2)).date().isoformat()}: 1"


def test_sources_page_shows_a_quality_drop(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    from tests.quality_history import seed_drop

    client, _ = editor
    url, _ = seeded
    seed_drop(url, "lemonde", "authors")
    tree = lxml.html.fromstring(client.get("/sources").text)
    lemonde = tree.get_element_by_id("source-lemonde")
    assert "warn" in lemonde.get("class")
    (warning,) = lemonde.find_class("warning-quality")
    assert warning.text_content().startswith("authors fell from 100% to 0% of pages since ")
