"""A fleet on real Redis and PostgreSQL: three worker processes, twenty polite outlets, one
worker killed with -9 mid-run.

The outlets count every request (arrival time, User-Agent naming the worker), so the test sees
what an outlet would: how often each article page was downloaded, and the gaps between
requests to one host.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aggregator.fleet.broker import Broker
from storage.articles import Article
from storage.db import session_scope
from storage.runs import CrawlRun
from tests.fleet.outlets import TimedOutletServer, gaps, sources_yaml, start_outlets, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

REPO = Path(__file__).parent.parent.parent
OUTLETS, ARTICLES, CRAWL_DELAY = 20, 6, 0.3
# Requests arrive at the outlet a little after the crawler's slot released them; a gap may look
# shorter than the slot's delay by that jitter, never by more.
ARRIVAL_JITTER = 0.03
# Short enough to keep the test quick, long enough that a live worker on a machine loaded by
# other test suites still renews its claims in time (3 s proved too short at a load of 20).
VISIBILITY = 8.0
STALL = 1.5  # seconds without a request at an outlet crawled every 0.3 s: the machine stalled


def worker_env(database_url: str, broker_url: str, sources: Path, name: str) -> dict[str, str]:
    """What a worker on another machine would be given: database, broker, sources file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env.update(
        PYTHONPATH=str(REPO),
        AGGREGATOR_DATABASE_URL=database_url,
        AGGREGATOR_BROKER_URL=broker_url,
        AGGREGATOR_SOURCES=str(sources),
        AGGREGATOR_ALLOW_NETWORKS="127.0.0.0/8",
        AGGREGATOR_USER_AGENT=f"fleet-test {name}",
        AGGREGATOR_DOWNLOAD_DELAY="0",  # the outlets' Crawl-delay is the policy
        AGGREGATOR_EXTRACT_WORKERS="1",
        AGGREGATOR_LOG_LEVEL="INFO",
    )
    return env


def start_worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aggregator",
                "worker",
                "--name",
                name,
                "--concurrency",
                "4",
                "--visibility-timeout",
                str(VISIBILITY),
            ],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=log.parent,
        )


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (the extraction forkserver and its pool)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def outlets(tmp_path: Path) -> Iterator[list[TimedOutletServer]]:
    servers = start_outlets(tmp_path / "outlets", OUTLETS, ARTICLES, CRAWL_DELAY)
    yield servers
    for server in servers:
        server.stop()


def finished_sources(database_url: str) -> set[str]:
    with session_scope(database_url) as session:
        rows = session.scalars(select(CrawlRun).where(CrawlRun.status == "finished"))
        return {run.source_name for run in rows}


def test_a_worker_killed_mid_run_loses_nothing_and_politeness_holds(
    tmp_path: Path, pg_url: str, redis_url: str, outlets: list[TimedOutletServer]
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(outlets), encoding="utf-8")
    broker = Broker(redis_url)
    names = [f"outlet{i:02d}" for i in range(OUTLETS)]
    for name in names:
        assert broker.enqueue(name) is not None
    assert broker.enqueue(names[0]) is None  # queued once, however often it is asked
    # A fresh database (no schema, no source rows): the workers must not race creating them.
    workers = {
        name: start_worker(
            worker_env(pg_url, redis_url, sources, name), name, tmp_path / f"{name}.log"
        )
        for name in ("w1", "w2", "w3")
    }
    victim = workers["w1"]
    try:

        def victim_mid_run() -> bool:
            return any(
                h.user_agent.startswith("fleet-test w1") for s in outlets for h in s.article_hits()
            )

        assert wait_until(victim_mid_run, 60), (tmp_path / "w1.log").read_text()[-3000:]
        family = descendants(victim.pid)
        assert family, "the worker runs its extraction in child processes"
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        # Its extraction processes die with it (PDEATHSIG), whatever killed it.
        assert wait_until(lambda: not any(alive(p) for p in family), 10), family

        def all_done() -> bool:
            depth = broker.depth()
            return finished_sources(pg_url) == set(names) and depth.waiting + depth.running == 0

        assert wait_until(all_done, 90, step=0.5), {
            "finished": sorted(finished_sources(pg_url)),
            "queue": broker.depth(),
            "w2": (tmp_path / "w2.log").read_text()[-2000:],
        }
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in workers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    # Every article stored exactly once.
    with session_scope(pg_url) as session:
        urls = list(session.scalars(select(Article.url)))
        runs = list(session.scalars(select(CrawlRun)))
        assert session.scalar(select(func.count()).select_from(Article)) == OUTLETS * ARTICLES
    assert len(set(urls)) == len(urls) == OUTLETS * ARTICLES

    # The killed worker's runs end interrupted, and their sources were crawled again to the end.
    killed = [r for r in runs if r.pid == victim.pid]
    assert killed, "the killed worker had runs in progress"
    assert {r.status for r in killed} == {"interrupted"}, [
        (r.source_name, r.status) for r in killed
    ]
    assert all("redelivered" in (r.message or "") for r in killed)
    for run in killed:
        later = [
            r for r in runs if r.source_name == run.source_name and r.started_at > run.started_at
        ]
        assert [r.status for r in later] == ["finished"]
    assert all(r.status in {"finished", "interrupted"} for r in runs)

    # At the outlets: no survivor downloaded an article page twice; a page fetched twice is
    # one the killed worker had downloaded but not yet stored when it died.
    refetched_after_kill = 0
    for server in outlets:
        per_page = Counter(h.path for h in server.article_hits())
        by_survivors = Counter(
            h.path for h in server.article_hits() if not h.user_agent.startswith("fleet-test w1")
        )
        assert max(by_survivors.values(), default=0) <= 1, server.root.name
        for path, times in per_page.items():
            if times > 1:
                assert times == 2 and by_survivors[path] == 1, (server.root.name, path)
                refetched_after_kill += 1
        # Politeness held across workers: one worker at a time at each outlet...
        owners = [h.user_agent for h in sorted(server.timed, key=lambda h: h.at)]
        blocks = [agent for i, agent in enumerate(owners) if i == 0 or owners[i - 1] != agent]
        assert len(blocks) == len(set(blocks)), (server.root.name, blocks)
        # ... and never two requests closer than the Crawl-delay. The outlet stamps a request
        # when its handler thread runs: after a stall of this loaded machine (a gap of seconds)
        # requests that waited are stamped together, so the gap right after one is not read.
        spacing = gaps(server.timed)
        steady = [g for i, g in enumerate(spacing) if i == 0 or spacing[i - 1] < STALL]
        shortest = min(steady, default=CRAWL_DELAY)
        assert shortest >= CRAWL_DELAY - ARRIVAL_JITTER, (
            server.root.name,
            shortest,
            [(round(h.at, 3), h.path, h.user_agent[-2:]) for h in server.timed],
        )
    assert refetched_after_kill <= 4 * 4  # at most the pages in flight: 4 runs, 4 a run
