"""``due_source_names``: the one-shot answer to "which sources should be crawled now"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aggregator.config.sources import Schedule, parse_sources
from scheduler.due import due_source_names
from storage.db import session_scope
from storage.runs import CrawlRun

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SOURCES = parse_sources(
    "sources:\n"
    "  - {name: fresh, homepage: 'http://a.test/', feeds: ['http://a.test/f'], languages: en,\n"
    "     schedule: {interval: 1h}}\n"
    "  - {name: stale, homepage: 'http://b.test/', feeds: ['http://b.test/f'], languages: en,\n"
    "     schedule: {interval: 1h}}\n"
    "  - {name: never, homepage: 'http://c.test/', feeds: ['http://c.test/f'], languages: en}\n"
    "  - {name: broken, homepage: 'http://d.test/', feeds: ['http://d.test/f'], languages: en,\n"
    "     schedule: {interval: 1h}}\n"
    "  - {name: busy, homepage: 'http://e.test/', feeds: ['http://e.test/f'], languages: en,\n"
    "     schedule: {interval: 1m}}\n"
    "  - {name: off, homepage: 'http://f.test/', feeds: ['http://f.test/f'], languages: en,\n"
    "     enabled: false}\n"
    "  - {name: daily, homepage: 'http://g.test/', feeds: ['http://g.test/f'], languages: en}\n",
    "sources.yaml",
)


def add_run(url: str, name: str, started: datetime, status: str = "finished") -> None:
    with session_scope(url) as session:
        session.add(
            CrawlRun(
                source_name=name,
                status=status,
                started_at=started,
                finished_at=None if status == "running" else started,
            )
        )


def test_due_sources_follow_schedule_and_last_run(database_url: str) -> None:
    add_run(database_url, "fresh", NOW - timedelta(minutes=10))
    add_run(database_url, "stale", NOW - timedelta(hours=3))
    add_run(database_url, "stale", NOW - timedelta(hours=2))
    # A failed run counts as an attempt: a broken source is retried on its schedule only.
    add_run(database_url, "broken", NOW - timedelta(minutes=30), status="failed")
    add_run(database_url, "busy", NOW - timedelta(minutes=5), status="running")
    add_run(database_url, "daily", NOW - timedelta(hours=5))
    names = due_source_names(
        database_url,
        SOURCES,
        NOW,
        default_schedule=Schedule(interval=timedelta(days=1)),
        time_limit=timedelta(minutes=20),
    )
    assert names == ["stale", "never"]


def test_a_crawl_left_running_past_the_time_limit_does_not_block(sqlite_url: str) -> None:
    from storage.db import upgrade

    upgrade(sqlite_url)
    add_run(sqlite_url, "busy", NOW - timedelta(hours=2), status="running")
    names = due_source_names(
        sqlite_url,
        SOURCES,
        NOW,
        default_schedule=Schedule(interval=timedelta(days=1)),
        time_limit=timedelta(minutes=20),
    )
    assert "busy" in names


def test_the_default_schedule_option_applies(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.db import upgrade

    upgrade(sqlite_url)
    add_run(sqlite_url, "daily", NOW - timedelta(hours=5))
    monkeypatch.setenv("AGGREGATOR_DEFAULT_SCHEDULE", "4h")
    assert "daily" in due_source_names(sqlite_url, SOURCES, NOW)
    monkeypatch.setenv("AGGREGATOR_DEFAULT_SCHEDULE", "6h")
    assert "daily" not in due_source_names(sqlite_url, SOURCES, NOW)
