"""The crawl runner: one child per run, time limits, shutdown, and a record for every run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from scheduler.runner import CrawlRunner
from storage.db import upgrade
from tests.scheduler.conftest import fake_command, runs_of


@pytest.fixture
def db(sqlite_url: str) -> str:
    upgrade(sqlite_url)
    return sqlite_url


def make_runner(db: str, sources: Path, limit: float = 30, kill_grace: float = 5) -> CrawlRunner:
    return CrawlRunner(
        db,
        str(sources),
        fake_command,
        time_limit=timedelta(seconds=limit),
        kill_grace=timedelta(seconds=kill_grace),
    )


def wait_until(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.05)


def test_a_run_is_recorded_by_the_child(db: str, write_sources: Callable[..., Path]) -> None:
    runner = make_runner(db, write_sources({"alpha": "1h"}))
    outcome = runner.run("alpha")
    assert outcome is not None and outcome.returncode == 0 and outcome.recorded_by_child
    [run] = runs_of(db, "alpha")
    assert run.status == "finished" and run.trigger == "scheduled" and run.stored == 2


def test_a_child_that_dies_before_recording_gets_a_failed_run(
    db: str, write_sources: Callable[..., Path]
) -> None:
    runner = make_runner(
        db, write_sources({"broken": "1h"}, {"broken": {"record": False, "exit": 3}})
    )
    outcome = runner.run("broken")
    assert outcome is not None and not outcome.recorded_by_child
    [run] = runs_of(db, "broken")
    assert run.status == "failed" and run.finished_at is not None
    assert "exited with code 3" in (run.message or "")
    assert "exploding before recording" in (run.message or "")


def test_time_limit_ends_the_crawl_and_says_why(
    db: str, write_sources: Callable[..., Path]
) -> None:
    runner = make_runner(db, write_sources({"slow": "1h"}, {"slow": {"seconds": 60}}), limit=6)
    outcome = runner.run("slow")
    assert outcome is not None and outcome.ended_by == "time limit"
    [run] = runs_of(db, "slow")
    # The child handled SIGTERM and recorded itself; the scheduler added the reason.
    assert run.status == "interrupted"
    assert "time limit" in (run.message or "")


def test_a_child_ignoring_sigterm_is_killed_and_its_run_closed(
    db: str, write_sources: Callable[..., Path]
) -> None:
    sources = write_sources({"stubborn": "1h"}, {"stubborn": {"seconds": 60, "ignore_term": True}})
    runner = make_runner(db, sources, limit=6, kill_grace=1)
    outcome = runner.run("stubborn")
    assert outcome is not None and outcome.returncode == -9
    [run] = runs_of(db, "stubborn")
    assert run.status == "failed" and run.finished_at is not None
    assert "time limit" in (run.message or "")


def test_the_same_source_never_runs_twice_at_once(
    db: str, write_sources: Callable[..., Path]
) -> None:
    runner = make_runner(db, write_sources({"slow": "1h"}, {"slow": {"seconds": 3}}))
    first = threading.Thread(target=runner.run, args=("slow",))
    first.start()
    wait_until(lambda: any(r.status == "running" for r in runs_of(db, "slow")))
    assert runner.run("slow") is None  # skipped, not queued
    first.join()
    [run] = runs_of(db, "slow")
    assert run.status == "finished"


def test_a_manual_crawl_in_progress_blocks_a_scheduled_one(
    db: str, write_sources: Callable[..., Path]
) -> None:
    sources = write_sources({"slow": "1h"}, {"slow": {"seconds": 3}})
    manual = make_runner(db, sources)
    scheduled = make_runner(db, sources)  # another runner: only the database links them
    thread = threading.Thread(target=manual.run, args=("slow",))
    thread.start()
    wait_until(lambda: any(r.status == "running" for r in runs_of(db, "slow")))
    assert scheduled.run("slow") is None
    thread.join()
    assert len(runs_of(db, "slow")) == 1


def test_stop_lets_a_crawl_finish_within_the_grace(
    db: str, write_sources: Callable[..., Path]
) -> None:
    runner = make_runner(db, write_sources({"quick": "1h"}, {"quick": {"seconds": 1}}))
    thread = threading.Thread(target=runner.run, args=("quick",))
    thread.start()
    wait_until(lambda: runner.running == ["quick"])
    runner.stop(timedelta(seconds=20))
    thread.join()
    assert [r.status for r in runs_of(db, "quick")] == ["finished"]
    assert runner.run("quick") is None  # nothing new starts once stopping


def test_stop_ends_crawls_that_outlast_the_grace(
    db: str, write_sources: Callable[..., Path]
) -> None:
    sources = write_sources(
        {"slow": "1h", "stubborn": "1h"},
        {"slow": {"seconds": 60}, "stubborn": {"seconds": 60, "ignore_term": True}},
    )
    runner = make_runner(db, sources, kill_grace=1)
    threads = [threading.Thread(target=runner.run, args=(n,)) for n in ("slow", "stubborn")]
    for thread in threads:
        thread.start()
    wait_until(lambda: len([r for r in runs_of(db) if r.status == "running"]) == 2)
    runner.stop(timedelta(seconds=0.5))
    for thread in threads:
        thread.join()
    statuses = {r.source_name: r for r in runs_of(db)}
    assert statuses["slow"].status == "interrupted"
    assert statuses["stubborn"].status == "interrupted"
    assert "shutdown" in (statuses["stubborn"].message or "")


def test_hurry_cuts_the_grace_short(db: str, write_sources: Callable[..., Path]) -> None:
    runner = make_runner(db, write_sources({"slow": "1h"}, {"slow": {"seconds": 120}}))
    crawl = threading.Thread(target=runner.run, args=("slow",))
    crawl.start()
    wait_until(lambda: any(r.status == "running" for r in runs_of(db, "slow")))
    stopper = threading.Thread(target=runner.stop, args=(timedelta(hours=1),))
    stopper.start()
    runner.hurry()  # a second Ctrl-C: do not wait the hour
    stopper.join(timeout=60)
    crawl.join(timeout=60)
    assert not stopper.is_alive() and not crawl.is_alive()
    assert [r.status for r in runs_of(db, "slow")] == ["interrupted"]


def test_a_child_stopped_before_it_recorded_is_interrupted_not_failed(
    db: str, write_sources: Callable[..., Path]
) -> None:
    # SIGTERM before the child installed its handler: it dies without a row of its own.
    runner = make_runner(db, write_sources({"late": "1h"}))
    thread = threading.Thread(target=runner.run, args=("late",))
    thread.start()
    wait_until(lambda: runner.running == ["late"])
    runner.stop(timedelta(0))
    thread.join()
    runs = runs_of(db, "late")
    assert [r.status for r in runs] == ["interrupted"]
