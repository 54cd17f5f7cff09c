"""A fleet on real Redis and PostgreSQL: three worker processes on this host, twenty polite
outlets on loopback, one worker killed with -9 mid-run (the scenario: tests/fleet/scenario.py;
the same with each worker on its own network host: test_hosts.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fleet.outlets import ArticleGate, TimedOutletServer, sources_yaml, start_outlets
from tests.fleet.scenario import (
    ARTICLES,
    CRAWL_DELAY,
    OUTLETS,
    SERVED_BEFORE_KILL,
    VICTIM,
    Fleet,
    check_outcome,
    kill_one_of_three,
)

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def gate() -> ArticleGate:
    return ArticleGate(f"fleet-test {VICTIM}", SERVED_BEFORE_KILL)


@pytest.fixture
def outlets(tmp_path: Path, gate: ArticleGate) -> Iterator[list[TimedOutletServer]]:
    servers = start_outlets(tmp_path / "outlets", OUTLETS, ARTICLES, CRAWL_DELAY, gate=gate)
    yield servers
    gate.open()
    for server in servers:
        server.stop()


def test_a_worker_killed_mid_run_loses_nothing_downloads_nothing_twice_and_is_polite(
    tmp_path: Path,
    pg_url: str,
    redis_url: str,
    outlets: list[TimedOutletServer],
    gate: ArticleGate,
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(outlets), encoding="utf-8")
    fleet = Fleet(tmp_path, pg_url, redis_url, outlets, gate, sources, "127.0.0.0/8")
    check_outcome(fleet, kill_one_of_three(fleet))
