"""The "done when" test: the real ``aggregator schedule`` running real ``aggregator crawl``
children against loopback outlets, with schedules of a few seconds.

It shows, in one run of about a minute: crawls happen unattended; a slow source never
overlaps itself; a source added to the file is crawled without restart; a failing source
does not stop the others and shows in ``aggregator status``; after a restart the schedule
continues from the persisted store; SIGTERM leaves no run unrecorded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select

from aggregator.demo.server import OutletServer
from storage.articles import Article
from storage.db import session_scope, upgrade
from tests.scheduler.conftest import runs_of

pytestmark = pytest.mark.slow

OUTLET = Path(__file__).resolve().parents[1] / "fixtures" / "scheduler" / "outlet"


def outlet_copy(tmp_path: Path, name: str, routes: dict[str, object] | None = None) -> Path:
    """A copy of the fixture outlet whose articles are its own (a paragraph names the copy).

    The copies share one host (127.0.0.1) and so one host lease: which crawls first is not
    fixed, and identical articles would be stored only by whichever that is.
    """
    folder = tmp_path / "outlets" / name
    shutil.copytree(OUTLET, folder)
    for page in (folder / "news").glob("*.html"):
        own = f"<p>Filed for the {name} edition, which carries it alone this week.</p></article>"
        page.write_text(page.read_text().replace("</article>", own))
    if routes:
        (folder / "_routes.json").write_text(json.dumps(routes), encoding="utf-8")
    return folder


def entry(name: str, server: OutletServer, interval: str) -> str:
    return (
        f"  - name: {name}\n    homepage: {server.base_url}/\n"
        f"    feeds: [{server.base_url}/feed.xml]\n    languages: en\n    max_age: 3650d\n"
        f"    schedule: {{interval: {interval}, jitter: 0s}}\n"
    )


class Scheduler:
    """``python -m aggregator schedule`` in a child process, as an operator runs it."""

    def __init__(self, db: str, sources: Path, log: Path) -> None:
        env = {
            **os.environ,
            "AGGREGATOR_RELOAD_INTERVAL": "1s",
            "AGGREGATOR_CRAWL_TIME_LIMIT": "40s",
            "AGGREGATOR_DOWNLOAD_DELAY": "0",
            "AGGREGATOR_EXTRACT_WORKERS": "1",
            "AGGREGATOR_LOG_LEVEL": "INFO",
        }
        self.log = log
        with log.open("ab") as sink:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "aggregator",
                    "--database-url",
                    db,
                    "--sources",
                    str(sources),
                    "schedule",
                    "--grace",
                    "3",
                ],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[[str, Path], Scheduler]]:
    started: list[Scheduler] = []

    def start(db: str, sources: Path) -> Scheduler:
        scheduler = Scheduler(db, sources, tmp_path / "schedule.log")
        started.append(scheduler)
        return scheduler

    yield start
    for scheduler in started:
        if scheduler.process.poll() is None:
            scheduler.process.kill()
            scheduler.process.wait()


def wait_for(condition: Callable[[], bool], log: Path, timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                "not reached in time; scheduler log:\n" + log.read_text(errors="replace")[-5000:]
            )
        time.sleep(0.3)


def finished(db: str, name: str) -> int:
    return sum(1 for r in runs_of(db, name) if r.status == "finished")


def status_json(db: str, sources: Path) -> dict[str, dict[str, object]]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aggregator",
            "--database-url",
            db,
            "--sources",
            str(sources),
            "status",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return {s["name"]: s for s in json.loads(result.stdout)["sources"]}


@pytest.mark.timeout(300)
def test_the_scheduler_runs_unattended(
    tmp_path: Path,
    sqlite_url: str,
    serve_outlet: Callable[[Path], OutletServer],
    launch: Callable[[str, Path], Scheduler],
) -> None:
    upgrade(sqlite_url)
    steady = serve_outlet(outlet_copy(tmp_path, "steady"))
    slow = serve_outlet(outlet_copy(tmp_path, "slow", {"/feed.xml": {"delay": 4}}))
    broken = serve_outlet(outlet_copy(tmp_path, "broken", {"/feed.xml": {"status": 404}}))
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        + entry("steady", steady, "3s")
        + entry("slow", slow, "2s")
        + entry("broken", broken, "3s")
    )
    scheduler = launch(sqlite_url, sources)
    log = scheduler.log

    # Crawls start unattended. Then a source added to the file is crawled without a restart.
    wait_for(lambda: finished(sqlite_url, "steady") >= 1, log)
    added = serve_outlet(outlet_copy(tmp_path, "added"))
    sources.write_text(sources.read_text() + entry("added", added, "1h"))

    # Crawls repeat on their own; the failing source does not hold the others up.
    wait_for(
        lambda: (
            finished(sqlite_url, "steady") >= 2
            and finished(sqlite_url, "slow") >= 1
            and finished(sqlite_url, "added") == 1
            and any(r.status == "failed" for r in runs_of(sqlite_url, "broken"))
        ),
        log,
    )
    # Each outlet's first crawl stores its two articles; later crawls find nothing new.
    steady_runs = runs_of(sqlite_url, "steady")
    assert steady_runs[0].stored == 2
    assert all(r.stored == 0 for r in steady_runs[1:] if r.status == "finished")
    assert runs_of(sqlite_url, "added")[0].found == 2
    with session_scope(sqlite_url) as session:
        assert len(session.scalars(select(Article.id)).all()) == 6  # steady, slow, added

    # SIGTERM while the slow source is being crawled: every run ends recorded.
    wait_for(lambda: any(r.status == "running" for r in runs_of(sqlite_url, "slow")), log)
    assert scheduler.terminate() == 0
    assert not [r for r in runs_of(sqlite_url) if r.status == "running"]
    assert {r.status for r in runs_of(sqlite_url)} <= {"finished", "failed", "interrupted"}
    assert all(r.trigger == "scheduled" for r in runs_of(sqlite_url))

    # The slow source (due every 2 s, each crawl much longer) never ran twice at once.
    slow_runs = runs_of(sqlite_url, "slow")
    assert len(slow_runs) >= 2
    for earlier, later in pairwise(slow_runs):
        assert earlier.finished_at is not None and later.started_at >= earlier.finished_at
    assert "slow: run skipped, its previous crawl is still running" in log.read_text()

    # The failing source shows in `aggregator status`; the others stay healthy.
    report = status_json(sqlite_url, sources)
    # (Its last run may have been cut short by the SIGTERM: interruptions do not reset the
    # count of failures in a row.)
    assert report["broken"]["last_status"] in {"failed", "interrupted"}
    assert report["broken"]["consecutive_failures"] >= 1  # type: ignore[operator]
    assert report["broken"]["last_success_at"] is None
    assert report["steady"]["last_success_at"] is not None
    assert report["steady"]["articles_7d"] == 2

    # A restart continues from the persisted store: the hourly source is not crawled again
    # (its next run is an hour away), the frequent ones go on.
    before = finished(sqlite_url, "steady")
    again = launch(sqlite_url, sources)
    wait_for(lambda: finished(sqlite_url, "steady") > before, again.log)
    assert again.terminate() == 0
    assert finished(sqlite_url, "added") == 1
    assert "4 kept their next run time" in again.log.read_text()
    assert not [r for r in runs_of(sqlite_url) if r.status == "running"]
