"""``aggregator status``: the per-source health table and its JSON form."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from scheduler.lock import SchedulerLease
from storage.base import utcnow
from storage.db import session_scope, upgrade
from storage.runs import CrawlRun

SOURCES = """\
sources:
  - {name: good, homepage: 'http://good.test/', feeds: ['http://good.test/f'], languages: en}
  - {name: down, homepage: 'http://down.test/', feeds: ['http://down.test/f'], languages: ar}
  - {name: fresh, homepage: 'http://new.test/', feeds: ['http://new.test/f'], languages: fr}
  - {name: off, homepage: 'http://off.test/', feeds: ['http://off.test/f'], languages: fr,
     enabled: false}
"""


@pytest.fixture
def setup(tmp_path: Path, sqlite_url: str) -> list[str]:
    upgrade(sqlite_url)
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, encoding="utf-8")
    now = utcnow()
    with session_scope(sqlite_url) as session:
        session.add(
            CrawlRun(
                source_name="good",
                status="finished",
                stored=9,
                failed=1,
                started_at=now - timedelta(hours=2),
                finished_at=now - timedelta(hours=2),
            )
        )
        for hours in (3, 2, 1):
            session.add(
                CrawlRun(
                    source_name="down",
                    status="failed",
                    started_at=now - timedelta(hours=hours),
                    message="feed answered 503",
                )
            )
    return ["--database-url", sqlite_url, "--sources", str(sources), "status"]


def test_table_shows_each_source_and_its_warnings(setup: list[str]) -> None:
    result = CliRunner().invoke(cli, setup)
    assert result.exit_code == 0, result.output
    lines = {line.split("\t")[0]: line.split("\t") for line in result.output.splitlines()}
    assert lines["good"][1:8] == ["2h ago", "finished", "", "0", "0", "", "10%"]
    assert lines["down"][1:3] == ["never", "failed"] and lines["down"][6] == "3"
    assert "3 runs failed in a row (last: feed answered 503)" in lines["down"][8]
    assert lines["fresh"][8] == "never crawled"
    assert lines["off (disabled)"][8] == ""
    assert "scheduler: not running" in result.output


def test_json_output(setup: list[str]) -> None:
    result = CliRunner().invoke(cli, [*setup, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_name = {s["name"]: s for s in data["sources"]}
    assert list(by_name) == ["good", "down", "fresh", "off"]
    assert by_name["good"]["failed_share"] == pytest.approx(0.1)
    assert by_name["down"]["consecutive_failures"] == 3
    assert [w["kind"] for w in by_name["down"]["warnings"]] == ["failing"]
    assert by_name["off"]["enabled"] is False
    assert data["scheduler"] is None
    assert by_name["good"]["next_run_at"] is None  # no scheduler ever ran


def test_next_runs_come_from_the_persistent_job_store(setup: list[str], sqlite_url: str) -> None:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    from scheduler.service import Scheduler
    from storage.db import get_engine

    scheduler = Scheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=get_engine(sqlite_url))}, timezone="UTC"
    )
    scheduler.start(paused=True)
    soon = utcnow() + timedelta(minutes=90)
    for name, when in (("good", soon), ("down", utcnow() - timedelta(minutes=1))):
        scheduler.add_job(print, "interval", hours=2, id=f"crawl:{name}", next_run_time=when)
    scheduler.shutdown(wait=False)
    result = CliRunner().invoke(cli, setup)
    lines = {line.split("\t")[0]: line.split("\t") for line in result.output.splitlines()}
    assert lines["good"][3] == "in 1h" and lines["down"][3] == "due"
    assert lines["fresh"][3] == ""
    data = json.loads(CliRunner().invoke(cli, [*setup, "--json"]).output)
    good = next(s for s in data["sources"] if s["name"] == "good")
    stored = datetime.fromisoformat(good["next_run_at"])
    assert abs(stored - soon) < timedelta(milliseconds=1)  # kept as a float timestamp


def test_named_sources_and_a_running_scheduler(setup: list[str], sqlite_url: str) -> None:
    lease = SchedulerLease(sqlite_url)
    lease.acquire()
    result = CliRunner().invoke(cli, [*setup, "--json", "good"])
    data = json.loads(result.output)
    assert [s["name"] for s in data["sources"]] == ["good"]
    assert data["scheduler"]["holder"] == lease.holder


def test_check_exits_2_when_an_enabled_source_has_a_warning(setup: list[str]) -> None:
    assert CliRunner().invoke(cli, [*setup, "--check"]).exit_code == 2
    assert CliRunner().invoke(cli, [*setup, "--check", "good"]).exit_code == 0


def test_an_unknown_source_is_one_clear_line(setup: list[str]) -> None:
    result = CliRunner().invoke(cli, [*setup, "nope"])
    assert result.exit_code == 1
    assert "no source named 'nope'" in result.output and "Traceback" not in result.output


def test_quality_drop_is_a_warning(setup: list[str], tmp_path: Path) -> None:
    from tests.quality_history import seed_drop

    seed_drop(setup[1], "fresh", "date")
    result = CliRunner().invoke(cli, [*setup, "--json", "fresh"])
    assert result.exit_code == 0, result.output
    (fresh,) = json.loads(result.output)["sources"]
    (warning,) = fresh["warnings"]
    assert warning["kind"] == "quality"
    assert warning["message"].startswith("date fell from 100% to 0% of pages since ")
    assert CliRunner().invoke(cli, [*setup, "--check", "fresh"]).exit_code == 2


def test_every_value_sits_under_its_header(setup: list[str]) -> None:
    """Issue 16: 8 headers over 9 values put next-run under "24h"."""
    result = CliRunner().invoke(cli, setup)
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.splitlines() if "\t" in line]
    headers, rows = lines[0], lines[1:]
    assert all(len(row) == len(headers) for row in rows), (headers, rows)
    good = dict(zip(headers, next(r for r in rows if r[0] == "good"), strict=True))
    assert good["next run"] == "" and good["last status"] == "finished"
    assert good["failed pages"] == "10%"
    down = dict(zip(headers, next(r for r in rows if r[0] == "down"), strict=True))
    assert down["failed in a row"] == "3"


def test_a_row_longer_than_the_headers_is_refused() -> None:
    from aggregator.cli.render import table

    with pytest.raises(ValueError, match="2 headers but a row of 3"):
        table(("a", "b"), [(1, 2, 3)], title="t")


@pytest.mark.redis
def test_fleet_workers_and_queue_depth(
    setup: list[str], redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aggregator.fleet.broker import Broker

    broker = Broker(redis_url)
    for name in ("good", "down", "fresh"):
        broker.enqueue(name)
    job = broker.take("w1", 100)
    assert job is not None
    broker.announce("w1", {"host": "crawler-1", "running": [job.source], "finished": 4}, 30)
    monkeypatch.setenv("AGGREGATOR_BROKER_URL", redis_url)
    data = json.loads(CliRunner().invoke(cli, [*setup, "--json"]).output)
    assert data["queue"] == {"waiting": 2, "running": 1}
    assert [(w["name"], w["host"], w["running"]) for w in data["workers"]] == [
        ("w1", "crawler-1", [job.source])
    ]
    table = CliRunner().invoke(cli, setup).output
    assert "queue: 2 run(s) waiting, 1 running" in table
    assert f"worker w1: running {job.source} (4 run(s) done" in table


def test_without_a_broker_there_is_no_fleet(setup: list[str]) -> None:
    data = json.loads(CliRunner().invoke(cli, [*setup, "--json"]).output)
    assert data["workers"] == [] and data["queue"] is None
