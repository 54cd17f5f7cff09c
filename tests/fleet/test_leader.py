"""Two fleet schedulers: one leads and queues the due runs, the standby takes over when the
leader is killed with -9, and no run is queued twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from aggregator.fleet.broker import Broker
from scheduler.lock import SchedulerLease
from storage.db import upgrade
from tests.fleet.outlets import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.slow]

SCRIPT = Path(__file__).with_name("schedule_script.py")
REPO = Path(__file__).parent.parent.parent
NAMES = [f"desk{i}" for i in range(5)]


def sources_file(tmp_path: Path) -> Path:
    lines = ["sources:"]
    for name in NAMES:
        lines += [
            f"  - name: {name}",
            "    homepage: http://127.0.0.1:9/",
            "    languages: [en]",
            "    feeds: [http://127.0.0.1:9/feed.xml]",
            "    schedule: {interval: 1h, jitter: 0s}",
        ]
    path = tmp_path / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env["PYTHONPATH"] = str(REPO)
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, str(SCRIPT), *args], env=env, stdout=sink, stderr=subprocess.STDOUT
        )


def queued_sources(redis_url: str) -> list[str]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    entries = client.xrange(Broker(redis_url).stream)
    client.close()
    return sorted(fields["source"] for _, fields in entries)


def test_the_standby_takes_over_from_a_killed_leader_and_nothing_is_queued_twice(
    tmp_path: Path, sqlite_url: str, redis_url: str
) -> None:
    upgrade(sqlite_url)
    args = [sqlite_url, str(sources_file(tmp_path)), redis_url]
    leader = start(args, tmp_path / "leader.log")
    standby = None
    try:
        assert wait_until(lambda: queued_sources(redis_url) == NAMES, 60), (
            tmp_path / "leader.log"
        ).read_text()
        standby = start([*args, "--standby"], tmp_path / "standby.log")
        assert wait_until(lambda: "standing by" in (tmp_path / "standby.log").read_text(), 30)
        leader.send_signal(signal.SIGKILL)
        leader.wait()
        assert wait_until(lambda: "taking over" in (tmp_path / "standby.log").read_text(), 30)
        assert wait_until(
            lambda: "scheduling 5 source(s)" in (tmp_path / "standby.log").read_text(), 30
        )
        lease = SchedulerLease(sqlite_url).current()
        assert lease is not None and f":{standby.pid}:" in lease.holder

        # The new leader kept the job store's next run times: nothing is due again, and the
        # runs the dead leader queued are still queued exactly once.
        def dispatched() -> bool:
            log = (tmp_path / "standby.log").read_text()
            return "run queued" in log or "not queued" in log

        assert not wait_until(dispatched, 3)
        assert queued_sources(redis_url) == NAMES
    finally:
        for process in (leader, standby):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
