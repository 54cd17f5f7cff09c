"""Applying the sources file to the persistent job store, and watching it for edits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

from aggregator.config.sources import Schedule, load_sources
from scheduler.reload import ConfigWatcher, sync_jobs
from scheduler.service import Scheduler
from storage.base import utcnow
from storage.db import get_engine, session_scope, upgrade
from storage.runs import CrawlRun

DEFAULT = Schedule(interval=timedelta(hours=1))


@pytest.fixture
def db(sqlite_url: str) -> str:
    upgrade(sqlite_url)
    return sqlite_url


def paused_scheduler(url: str) -> Scheduler:
    scheduler = Scheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=get_engine(url))}, timezone=UTC
    )
    scheduler.start(paused=True)
    return scheduler


@pytest.fixture
def scheduler(db: str) -> Iterator[Scheduler]:
    scheduler = paused_scheduler(db)
    yield scheduler
    scheduler.shutdown(wait=False)


def jobs(scheduler: Scheduler) -> dict[str, object]:
    return {job.id: job.next_run_time for job in scheduler.get_jobs()}


def test_new_sources_are_due_now_unless_crawled_recently(
    db: str, scheduler: Scheduler, write_sources: Callable[..., Path]
) -> None:
    now = utcnow()
    with session_scope(db) as session:
        session.add(
            CrawlRun(source_name="old", status="finished", started_at=now - timedelta(minutes=20))
        )
    sources = load_sources(write_sources({"new": "30m", "old": "30m", "plain": None}))
    report = sync_jobs(scheduler, sources, DEFAULT, db, now)
    assert sorted(report.added) == ["new", "old", "plain"]
    runs = jobs(scheduler)
    assert runs["crawl:new"] == now and runs["crawl:plain"] == now
    assert runs["crawl:old"] == now + timedelta(minutes=10)


def test_unchanged_jobs_keep_their_next_run_and_changes_apply(
    db: str, scheduler: Scheduler, write_sources: Callable[..., Path]
) -> None:
    now = utcnow()
    sync_jobs(
        scheduler,
        load_sources(write_sources({"a": "30m", "b": "30m", "c": "30m"})),
        DEFAULT,
        db,
        now,
    )
    scheduler.modify_job("crawl:a", next_run_time=now + timedelta(minutes=25))
    scheduler.modify_job("crawl:b", next_run_time=now + timedelta(minutes=25))
    later = now + timedelta(minutes=1)
    path = write_sources({"a": "30m", "b": "5m", "d": "2h"})  # c removed, b changed, d added
    report = sync_jobs(scheduler, load_sources(path), DEFAULT, db, later)
    assert (report.kept, report.rescheduled, report.removed, report.added) == (
        ["a"],
        ["b"],
        ["c"],
        ["d"],
    )
    runs = jobs(scheduler)
    assert runs["crawl:a"] == now + timedelta(minutes=25)
    assert runs["crawl:b"] == later  # never crawled, new schedule: due now
    assert set(runs) == {"crawl:a", "crawl:b", "crawl:d"}


def test_disabled_sources_lose_their_job(
    db: str, scheduler: Scheduler, write_sources: Callable[..., Path]
) -> None:
    path = write_sources({"a": "30m", "b": "30m"})
    sync_jobs(scheduler, load_sources(path), DEFAULT, db, utcnow())
    path.write_text(path.read_text().replace("  - name: b\n", "  - name: b\n    enabled: false\n"))
    report = sync_jobs(scheduler, load_sources(path), DEFAULT, db, utcnow())
    assert report.removed == ["b"] and set(jobs(scheduler)) == {"crawl:a"}


def test_the_store_outlives_the_scheduler(
    database_url: str, write_sources: Callable[..., Path]
) -> None:
    first = paused_scheduler(database_url)
    now = utcnow()
    sync_jobs(first, load_sources(write_sources({"a": "30m"})), DEFAULT, database_url, now)
    first.modify_job("crawl:a", next_run_time=now + timedelta(minutes=17))
    first.shutdown(wait=False)
    second = paused_scheduler(database_url)
    try:
        report = sync_jobs(
            second,
            load_sources(write_sources({"a": "30m"})),
            DEFAULT,
            database_url,
            now + timedelta(minutes=2),
        )
        assert report.kept == ["a"]
        assert jobs(second)["crawl:a"] == now + timedelta(minutes=17)
    finally:
        second.shutdown(wait=False)


def test_an_invalid_edit_is_reported_and_the_last_good_file_kept(
    write_sources: Callable[..., Path], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    path = write_sources({"a": "30m"})
    good_text = path.read_text()
    watcher = ConfigWatcher(path, load_sources(path), tmp_path / "work")
    assert watcher.children_path() == str(path)
    assert watcher.check() is None  # unchanged
    path.write_text(path.read_text().replace("interval: 30m", "interval: often"))
    assert watcher.check() is None
    assert watcher.error is not None
    assert f"{path}:" in str(watcher.error) and "'a'" in str(watcher.error)
    assert "last good version" in caplog.text and "schedule.interval" in caplog.text
    assert watcher.good.get("a").schedule.interval == timedelta(minutes=30)  # type: ignore[union-attr]
    # Crawl children read the last good text meanwhile, not the broken file.
    snapshot = Path(watcher.children_path())
    assert snapshot != path and snapshot.read_text() == good_text
    write_sources({"a": "30m", "b": "1h"})
    fixed = watcher.check()
    assert fixed is not None and [s.name for s in fixed.sources] == ["a", "b"]
    assert watcher.error is None and watcher.children_path() == str(path)
