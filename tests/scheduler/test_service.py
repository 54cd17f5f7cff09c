"""The scheduler service with the fake crawl child: timing, reloads, restarts, the lease."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import text

from aggregator.config.sources import Schedule, load_sources
from aggregator.errors import SchedulerError
from scheduler.service import JOBS_TABLE, SchedulerService, ServiceOptions
from storage.db import get_engine, upgrade
from tests.scheduler.conftest import fake_command, runs_of

pytestmark = pytest.mark.slow


@pytest.fixture
def db(sqlite_url: str) -> str:
    upgrade(sqlite_url)
    return sqlite_url


def options(db: str, sources: Path, **overrides: object) -> ServiceOptions:
    values: dict[str, object] = {
        "database_url": db,
        "sources_path": str(sources),
        "default_schedule": Schedule(interval=timedelta(hours=1)),
        "time_limit": timedelta(seconds=30),
        "reload_interval": timedelta(seconds=0.3),
        "grace": timedelta(seconds=5),
        "kill_grace": timedelta(seconds=2),
        "heartbeat_interval": timedelta(seconds=0.5),
        "stale_after": timedelta(seconds=5),
    }
    values.update(overrides)
    return ServiceOptions(**values)  # type: ignore[arg-type]


class Running:
    """A service running in a thread, stopped (gracefully) at the end of the test."""

    def __init__(self, service: SchedulerService) -> None:
        self.service = service
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.service.run()
        except BaseException as exc:
            self.error = exc

    def stop(self) -> None:
        self.service.stop()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive()


@pytest.fixture
def start(db: str) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def launch(sources: Path, wait: bool = True, **overrides: object) -> Running:
        service = SchedulerService(
            options(db, sources, **overrides), load_sources(sources), command=fake_command
        )
        running = Running(service)
        started.append(running)
        if wait:
            assert service.started.wait(20), running.error
        return running

    yield launch
    for running in started:
        running.stop()


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


def count(db: str, name: str, status: str = "finished") -> int:
    return sum(1 for r in runs_of(db, name) if r.status == status)


def test_crawls_run_unattended_and_a_failing_source_does_not_stop_others(
    db: str, write_sources: Callable[..., Path], start: Callable[..., Running]
) -> None:
    sources = write_sources(
        {"a": "1s", "b": "1s", "broken": "1s"}, {"broken": {"record": False, "exit": 2}}
    )
    running = start(sources)
    wait_for(
        lambda: count(db, "a") >= 3 and count(db, "b") >= 3 and count(db, "broken", "failed") >= 3
    )
    running.stop()
    assert not [r for r in runs_of(db) if r.status == "running"]
    assert all(r.trigger == "scheduled" for r in runs_of(db))


def test_a_slow_source_never_overlaps_itself(
    db: str, write_sources: Callable[..., Path], start: Callable[..., Running]
) -> None:
    sources = write_sources({"slow": "1s"}, {"slow": {"seconds": 2.5}})
    running = start(sources)
    wait_for(lambda: count(db, "slow") >= 3)
    running.stop()
    runs = runs_of(db, "slow")
    for earlier, later in pairwise(runs):
        assert earlier.finished_at is not None and later.started_at >= earlier.finished_at


def test_a_source_added_to_the_file_is_crawled_without_restart(
    db: str, write_sources: Callable[..., Path], start: Callable[..., Running]
) -> None:
    sources = write_sources({"a": "1h"})
    running = start(sources)
    wait_for(lambda: count(db, "a") == 1)
    sources.write_text(sources.read_text() + "  - name: [broken\n")  # invalid edit: kept
    time.sleep(1)
    assert running.service.watcher.error is not None
    write_sources({"a": "1h", "b": "1h"})
    wait_for(lambda: count(db, "b") == 1)
    assert count(db, "a") == 1  # the unchanged source kept its hourly rhythm


def test_after_a_restart_the_schedule_continues_from_the_store(
    db: str, write_sources: Callable[..., Path], start: Callable[..., Running]
) -> None:
    sources = write_sources({"hourly": "1h"})
    first = start(sources)
    wait_for(lambda: count(db, "hourly") == 1)
    first.stop()
    with get_engine(db).connect() as connection:
        stored = connection.execute(text(f"SELECT id, next_run_time FROM {JOBS_TABLE}")).all()
    assert [row[0] for row in stored] == ["crawl:hourly"]
    assert stored[0][1] > time.time() + 3000  # next run in about an hour
    second = start(sources)
    time.sleep(2)
    second.stop()
    assert count(db, "hourly") == 1  # the restart did not crawl again
    with get_engine(db).connect() as connection:
        again = connection.execute(text(f"SELECT next_run_time FROM {JOBS_TABLE}")).scalar()
    assert again == stored[0][1]


def test_stop_ends_running_crawls_and_records_them(
    db: str, write_sources: Callable[..., Path], start: Callable[..., Running]
) -> None:
    sources = write_sources(
        {"long": "1h", "stubborn": "1h"},
        {"long": {"seconds": 60}, "stubborn": {"seconds": 60, "ignore_term": True}},
    )
    running = start(sources, grace=timedelta(seconds=0.5), kill_grace=timedelta(seconds=1))
    wait_for(lambda: len([r for r in runs_of(db) if r.status == "running"]) == 2)
    running.stop()
    assert {r.source_name: r.status for r in runs_of(db)} == {
        "long": "interrupted",
        "stubborn": "interrupted",
    }


def test_a_second_scheduler_refuses_and_a_standby_takes_over(
    db: str, write_sources: Callable[..., Path], start: Callable[..., Running]
) -> None:
    sources = write_sources({"a": "1h"})
    first = start(sources)
    with pytest.raises(SchedulerError, match="--standby"):
        SchedulerService(options(db, sources), load_sources(sources), command=fake_command).run()
    standby = start(sources, wait=False, standby=True)
    time.sleep(1.5)
    assert not standby.service.started.is_set()
    first.stop()
    assert standby.service.started.wait(20)


def test_the_service_runs_on_both_databases(
    database_url: str, write_sources: Callable[..., Path]
) -> None:
    sources = write_sources({"a": "1s"})
    service = SchedulerService(
        options(database_url, sources), load_sources(sources), command=fake_command
    )
    running = Running(service)
    try:
        wait_for(lambda: count(database_url, "a") >= 2)
    finally:
        running.stop()
    assert running.error is None
    assert not [r for r in runs_of(database_url) if r.status == "running"]
    with get_engine(database_url).connect() as connection:
        ids = connection.execute(text(f"SELECT id FROM {JOBS_TABLE}")).scalars().all()
    assert ids == ["crawl:a"]
