"""The queue of runs on a real Redis: once per source, delivery to one worker, redelivery of a
dead worker's runs after the visibility timeout, host leases that keep the politeness gap."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.fleet.broker import Broker

pytestmark = pytest.mark.redis


def test_a_source_is_queued_once_until_its_run_is_acknowledged(redis_url: str) -> None:
    broker = Broker(redis_url)
    assert broker.enqueue("wire") is not None
    assert broker.enqueue("wire") is None
    job = broker.take("w1", 100)
    assert job is not None and job.source == "wire"
    assert broker.enqueue("wire") is None  # running counts too
    assert broker.depth().to_json() == {"waiting": 0, "running": 1}
    broker.ack(job)
    assert broker.depth().to_json() == {"waiting": 0, "running": 0}
    assert broker.enqueue("wire") is not None


def test_each_run_goes_to_one_worker(redis_url: str) -> None:
    broker = Broker(redis_url)
    for name in ("a", "b"):
        broker.enqueue(name)
    first, second = broker.take("w1", 100), broker.take("w2", 100)
    assert first is not None and second is not None
    assert {first.source, second.source} == {"a", "b"}
    assert broker.take("w3", 100) is None


def test_a_silent_workers_run_is_redelivered_and_a_renewing_one_keeps_it(redis_url: str) -> None:
    broker = Broker(redis_url)
    broker.enqueue("kept")
    broker.enqueue("lost")
    kept, lost = broker.take("alive", 100), broker.take("dead", 100)
    assert kept is not None and lost is not None
    broker.note_attempt(lost, 41, "dead")
    time.sleep(0.3)
    assert broker.renew("alive", [kept.entry]) == {kept.entry}
    stolen = broker.reclaim("other", visibility_ms=200, count=10)
    assert [(j.source, j.deliveries) for j in stolen] == [("lost", 2)]
    assert stolen[0].redelivered and not kept.redelivered  # only it reads the page stash
    assert broker.last_attempt(stolen[0]) == {"run_id": 41, "worker": "dead"}
    # The dead worker, back from the dead, cannot renew what was taken from it.
    assert broker.renew("dead", [lost.entry]) == set()


def test_a_run_handed_back_is_queued_again_at_once(redis_url: str) -> None:
    broker = Broker(redis_url)
    broker.enqueue("wire")
    job = broker.take("w1", 100)
    assert job is not None and not job.redelivered
    broker.requeue(job)
    again = broker.take("w2", 100)
    assert again is not None and again.source == "wire" and again.entry != job.entry
    assert again.redelivered  # the pages the stopped run fetched are in the stash
    assert broker.enqueue("wire") is None


def test_a_host_lease_is_exclusive_and_lingers_for_the_hosts_delay(redis_url: str) -> None:
    broker = Broker(redis_url)
    assert broker.lease_hosts(["outlet.test", "cdn.test"], "run-1", 5000)
    assert not broker.lease_hosts(["cdn.test"], "run-2", 5000)
    assert not broker.lease_hosts(["other.test", "outlet.test"], "run-2", 5000)
    assert broker.lease_hosts(["other.test"], "run-3", 5000)  # all-or-none left it free
    broker.release_hosts(["outlet.test", "cdn.test"], "run-1", cool_ms=300)
    assert not broker.lease_hosts(["outlet.test"], "run-2", 5000)  # still cooling
    time.sleep(0.4)
    assert broker.lease_hosts(["outlet.test"], "run-2", 5000)
    assert not broker.renew_hosts(["cdn.test"], "run-1", 5000)  # not run-1's any more


def test_workers_are_listed_while_their_heartbeat_is_fresh(redis_url: str) -> None:
    broker = Broker(redis_url)
    broker.announce("w1", {"running": ["wire"]}, ttl_s=1)
    assert [(w["name"], w["running"]) for w in broker.workers()] == [("w1", ["wire"])]
    time.sleep(1.2)
    assert broker.workers() == []


def test_crawl_enqueue_queues_each_source_once(
    redis_url: str, tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        + "".join(
            f"  - {{name: {n}, homepage: 'http://{n}.test/', feeds: ['http://{n}.test/f'], "
            "languages: en}\n"
            for n in ("one", "two")
        ),
        encoding="utf-8",
    )
    argv = ["--database-url", sqlite_url, "--sources", str(sources), "crawl", "--enqueue"]
    refused = CliRunner().invoke(cli, argv)
    assert refused.exit_code == 1 and "--enqueue needs AGGREGATOR_BROKER_URL" in refused.output
    monkeypatch.setenv("AGGREGATOR_BROKER_URL", redis_url)
    first = CliRunner().invoke(cli, argv)
    assert first.exit_code == 0, first.output
    assert "Queued 2 run(s): one, two" in first.output
    again = CliRunner().invoke(cli, [*argv, "two"])
    assert "Queued 0 run(s)." in again.output and "Already queued or running: two" in again.output
    assert Broker(redis_url).depth().waiting == 2
