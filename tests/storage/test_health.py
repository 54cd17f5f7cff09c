"""Source health: run history, article counts and the quiet / failing / extraction warnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storage.articles import Article
from storage.db import session_scope
from storage.health import SourceHealth, source_health
from storage.runs import CrawlRun
from storage.sources import sync_source

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def add_source(url: str, name: str) -> int:
    with session_scope(url) as session:
        return sync_source(
            session,
            name,
            label=None,
            homepage=f"http://{name}.test/",
            languages=["en"],
            timezone="UTC",
            enabled=True,
            schedule=None,
            config={},
        ).id


def add_articles(
    url: str, source_id: int, times: list[datetime], found: datetime | None = None
) -> None:
    """Articles published at ``times``, first seen then (or all at ``found``)."""
    with session_scope(url) as session:
        for time in times:
            session.add(
                Article(
                    source_id=source_id,
                    url=f"http://s{source_id}.test/{time:%s}",
                    body_hash=f"{source_id}-{time:%s}",
                    sort_at=time,
                    first_seen_at=found or time,
                    published_at=time,
                )
            )


def add_run(url: str, name: str, ago: timedelta, status: str = "finished", **figures: Any) -> None:
    with session_scope(url) as session:
        session.add(
            CrawlRun(
                source_name=name,
                status=status,
                started_at=NOW - ago,
                finished_at=NOW - ago + timedelta(minutes=1),
                **figures,
            )
        )


def health_of(url: str, *names: str) -> list[SourceHealth]:
    with session_scope(url) as session:
        return source_health(session, list(names), NOW)


def kinds(health: SourceHealth) -> list[str]:
    return [w.kind for w in health.warnings]


def test_a_healthy_source(database_url: str) -> None:
    source_id = add_source(database_url, "ok")
    add_articles(database_url, source_id, [NOW - timedelta(hours=h) for h in range(0, 60, 3)])
    for hours in (30, 20, 10, 1):
        add_run(database_url, "ok", timedelta(hours=hours), stored=4, failed=0)
    [health] = health_of(database_url, "ok")
    assert health.last_status == "finished" and health.consecutive_failures == 0
    assert health.last_success_at == NOW - timedelta(minutes=59)
    assert (health.articles_24h, health.articles_7d) == (9, 20)  # 0h, 3h, ... 24h ago
    assert health.failed_share == 0.0
    assert health.usual_gap == timedelta(hours=3)
    assert health.warnings == []
    assert health.to_json()["usual_gap"] == 3 * 3600


def test_never_crawled(database_url: str) -> None:
    [health] = health_of(database_url, "new")
    assert kinds(health) == ["never_crawled"] and health.last_status is None


def test_failures_in_a_row_warn_and_name_the_last_error(database_url: str) -> None:
    add_run(database_url, "down", timedelta(hours=9), stored=3)
    for hours in (8, 6, 4):
        add_run(
            database_url,
            "down",
            timedelta(hours=hours),
            status="failed",
            message="feed answered 503",
        )
    add_run(database_url, "down", timedelta(hours=3), status="interrupted")
    [health] = health_of(database_url, "down")
    assert health.consecutive_failures == 3 and health.last_status == "interrupted"
    assert kinds(health) == ["failing"]
    assert "3 runs failed in a row" in health.warnings[0].message
    assert "feed answered 503" in health.warnings[0].message


def test_two_failures_are_shown_but_do_not_warn(database_url: str) -> None:
    add_run(database_url, "flaky", timedelta(hours=5), stored=3)
    add_run(database_url, "flaky", timedelta(hours=3), status="failed")
    add_run(database_url, "flaky", timedelta(hours=1), status="failed")
    [health] = health_of(database_url, "flaky")
    assert health.consecutive_failures == 2 and health.warnings == []


def test_a_jump_in_failed_extractions_warns(database_url: str) -> None:
    for hours in (70, 60, 50, 40):
        add_run(database_url, "changed", timedelta(hours=hours), stored=19, failed=1)
    for hours in (3, 2, 1):
        add_run(
            database_url,
            "changed",
            timedelta(hours=hours),
            stored=2,
            failed=8,
            failure_reasons={"no_body": 8},
        )
    [health] = health_of(database_url, "changed")
    assert kinds(health) == ["extraction"]
    message = health.warnings[0].message
    assert "80% of pages failed in the last 3 run(s) (was 5%)" in message
    assert "no_body ×24" in message


def test_a_source_that_always_fails_some_pages_does_not_warn(database_url: str) -> None:
    for hours in (50, 40, 30, 3, 2, 1):
        add_run(database_url, "steady", timedelta(hours=hours), stored=4, failed=6)
    [health] = health_of(database_url, "steady")
    assert health.failed_share == pytest.approx(0.6)
    assert health.warnings == []


def test_a_quiet_source_warns_only_when_crawls_succeed(database_url: str) -> None:
    source_id = add_source(database_url, "quiet")
    last = NOW - timedelta(days=3)
    add_articles(database_url, source_id, [last - timedelta(hours=2 * i) for i in range(30)])
    add_run(database_url, "quiet", timedelta(days=4), stored=30)
    [before] = health_of(database_url, "quiet")
    assert before.warnings == []  # no successful crawl since: nothing to conclude yet
    add_run(database_url, "quiet", timedelta(hours=1), stored=0)
    [health] = health_of(database_url, "quiet")
    assert health.usual_gap == timedelta(hours=2)
    assert kinds(health) == ["quiet"]
    assert "no new article for 3d" in health.warnings[0].message
    assert "every 2h" in health.warnings[0].message


def test_an_archive_found_today_is_not_quiet(database_url: str) -> None:
    """Articles published years ago but discovered by this morning's crawl: the silence
    counts from discovery, so the source is not quiet until crawls stop finding articles."""
    source_id = add_source(database_url, "archive")
    published = NOW - timedelta(days=2000)
    times = [published - timedelta(hours=2 * i) for i in range(30)]
    add_articles(database_url, source_id, times, found=NOW - timedelta(hours=3))
    add_run(database_url, "archive", timedelta(hours=1), stored=0)
    [health] = health_of(database_url, "archive")
    assert health.last_article_at == published and health.usual_gap == timedelta(hours=2)
    assert health.warnings == []
    with session_scope(database_url) as session:  # found three days ago, nothing since
        for article in session.query(Article).filter_by(source_id=source_id):
            article.first_seen_at = NOW - timedelta(days=3)
    [later] = health_of(database_url, "archive")
    assert kinds(later) == ["quiet"] and "no new article for 3d" in later.warnings[0].message


def test_a_slow_outlet_is_not_quiet_within_its_rhythm(database_url: str) -> None:
    source_id = add_source(database_url, "weekly")
    add_articles(database_url, source_id, [NOW - timedelta(days=2 + 7 * i) for i in range(6)])
    add_run(database_url, "weekly", timedelta(hours=1), stored=0)
    [health] = health_of(database_url, "weekly")
    assert health.usual_gap == timedelta(days=7) and health.warnings == []


def test_the_last_run_s_cut_listings_warn_naming_the_listing(database_url: str) -> None:
    cut = {
        "kind": "listing_cut",
        "listing": "http://big.test/feed.xml",
        "kept": 5000,
        "total": 75597,
        "bytes": 10485760,
        "truncated": True,
        "message": "listing http://big.test/feed.xml cut: kept 5,000 of 75,597+ entries",
    }
    add_run(database_url, "big", timedelta(hours=3), stored=3, warnings=[cut, cut])
    add_run(database_url, "big", timedelta(hours=1), stored=3, warnings=[cut])
    add_run(database_url, "big", timedelta(minutes=1), status="running")
    [health] = health_of(database_url, "big")
    assert kinds(health) == ["listing_cut"]  # the last closed run's, once
    assert "http://big.test/feed.xml" in health.warnings[0].message
    assert "kept 5,000 of 75,597+" in health.warnings[0].message


def test_a_clean_run_clears_the_cut_warning(database_url: str) -> None:
    many = [{"kind": "listing_cut", "message": f"listing {n} cut"} for n in range(5)]
    add_run(database_url, "big", timedelta(hours=3), stored=3, warnings=many)
    [health] = health_of(database_url, "big")
    assert [w.message for w in health.warnings][-2:] == [
        "listing 2 cut",
        "and 2 more cut listing(s)",
    ]
    add_run(database_url, "big", timedelta(hours=1), stored=3)
    [health] = health_of(database_url, "big")
    assert health.warnings == []
