"""The embedded default: ``aggregator schedule`` with no broker crawls in a worker inside its
own process (no child per run), with the same run records."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import session_scope, upgrade
from storage.runs import CrawlRun
from tests.fleet.outlets import TimedOutletServer, sources_yaml, start_outlets, wait_until

pytestmark = [pytest.mark.slow]
REPO = Path(__file__).parent.parent.parent


@pytest.fixture
def outlets(tmp_path: Path) -> Iterator[list[TimedOutletServer]]:
    servers = start_outlets(tmp_path / "outlets", 3, 3, 0.2)
    yield servers
    for server in servers:
        server.stop()


def runs(database_url: str) -> list[CrawlRun]:
    with session_scope(database_url) as session:
        return list(session.scalars(select(CrawlRun)))


def test_schedule_crawls_in_process_without_a_child_per_run(
    tmp_path: Path, sqlite_url: str, outlets: list[TimedOutletServer]
) -> None:
    upgrade(sqlite_url)
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(outlets), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env.update(
        PYTHONPATH=str(REPO),
        AGGREGATOR_ALLOW_NETWORKS="127.0.0.0/8",
        AGGREGATOR_DOWNLOAD_DELAY="0",
        AGGREGATOR_EXTRACT_WORKERS="1",
    )
    argv = [sys.executable, "-m", "aggregator", "--database-url", sqlite_url]
    with (tmp_path / "schedule.log").open("wb") as log:
        service = subprocess.Popen(
            [*argv, "--sources", str(sources), "schedule", "--grace", "5"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        done = wait_until(
            lambda: len([r for r in runs(sqlite_url) if r.status == "finished"]) == 3, 90, 0.5
        )
        assert done, (tmp_path / "schedule.log").read_text()[-3000:]
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=60)
    assert service.returncode == 0
    recorded = runs(sqlite_url)
    # Every run was crawled by the scheduler's own process: no child started per run.
    assert {r.pid for r in recorded} == {service.pid}
    assert sorted(r.stored for r in recorded) == [3, 3, 3]
    assert "crawling in this process" in (tmp_path / "schedule.log").read_text()
