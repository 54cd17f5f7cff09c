"""The fleet's kill -9 scenario with each worker on its own network host: a network namespace
joined to this machine by a veth (tests/fleet/hosts.py). The workers reach PostgreSQL and
Redis through relays and the outlets at their own addresses, all on this machine; the network
policy allows exactly the outlets' /32 addresses. Skips without root or ``ip netns`` (fails
then with AGGREGATOR_REQUIRE_SERVICES=1 as root)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.network_policy import host_allowance
from tests.conftest import REDIS_PORT
from tests.fleet.hosts import Hosts, make_hosts
from tests.fleet.outlets import ArticleGate, TimedOutletServer, sources_yaml, start_outlets
from tests.fleet.scenario import (
    ARTICLES,
    CRAWL_DELAY,
    OUTLETS,
    REPO,
    SERVED_BEFORE_KILL,
    VICTIM,
    Fleet,
    check_outcome,
    kill_one_of_three,
)

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

PG_PORT = 5432
WORKERS = ("w1", "w2", "w3")


@pytest.fixture
def hosts() -> Iterator[Hosts]:
    made = make_hosts(len(WORKERS), services=10 + OUTLETS)
    try:
        yield made
    finally:
        made.remove()  # also when the test failed


@pytest.fixture
def relays(hosts: Hosts, pg_url: str, redis_url: str) -> Iterator[str]:
    """PostgreSQL and Redis relayed to a local address the hosts reach (a relay process of its
    own, tests/fleet/relay.py); yields that address."""
    address = hosts.local(1)
    pairs = [f"{address}:{port}=127.0.0.1:{port}" for port in (PG_PORT, REDIS_PORT)]
    relay = subprocess.Popen(
        [sys.executable, "-m", "tests.fleet.relay", *pairs],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert relay.stdout is not None and relay.stdout.readline().strip() == "ready"
        yield address
    finally:
        relay.terminate()
        relay.wait(timeout=10)
        if relay.stdout is not None:
            relay.stdout.close()


@pytest.fixture
def gate() -> ArticleGate:
    return ArticleGate(f"fleet-test {VICTIM}", SERVED_BEFORE_KILL)


@pytest.fixture
def outlets(tmp_path: Path, hosts: Hosts, gate: ArticleGate) -> Iterator[list[TimedOutletServer]]:
    addresses = [hosts.local(10 + i) for i in range(OUTLETS)]
    servers = start_outlets(
        tmp_path / "outlets", OUTLETS, ARTICLES, CRAWL_DELAY, hosts=addresses, gate=gate
    )
    yield servers
    gate.open()
    for server in servers:
        server.stop()


def test_workers_on_separate_hosts_lose_nothing_download_nothing_twice_and_stay_polite(
    hosts: Hosts,  # first: without namespaces the test skips before anything else is set up
    tmp_path: Path,
    pg_url: str,
    redis_url: str,
    relays: str,
    outlets: list[TimedOutletServer],
    gate: ArticleGate,
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(outlets), encoding="utf-8")
    fleet = Fleet(
        tmp_path,
        pg_url,
        redis_url,
        outlets,
        gate,
        sources,
        # The outlets' own addresses, nothing wider: a worker may reach no other private one.
        allow_networks=",".join(host_allowance(s.base_url) for s in outlets),
        worker_database_url=pg_url.replace(f"127.0.0.1:{PG_PORT}", f"{relays}:{PG_PORT}"),
        worker_broker_url=redis_url.replace(f"127.0.0.1:{REDIS_PORT}", f"{relays}:{REDIS_PORT}"),
        prefixes={name: hosts.prefix(n) for n, name in enumerate(WORKERS, 1)},
    )
    check_outcome(fleet, kill_one_of_three(fleet))
    # Each worker came from its own host: every request of a worker from its host's address.
    seen = {(h.user_agent.rsplit(" ", 1)[-1], h.client) for s in outlets for h in s.timed}
    assert seen == {(name, hosts.worker_address(n)) for n, name in enumerate(WORKERS, 1)}
