"""The fleet's kill -9 scenario, shared by the one-host test and the network-namespace test.

Three workers take twenty outlets' runs from a real Redis and store into a fresh PostgreSQL
database. Worker w1 is answered a few article pages (an :class:`ArticleGate`), then its further
article requests are held; once every page it was answered is in the page stash (fetched, not
yet stored), it is killed with -9. The outlets log every request with its arrival time and
User-Agent, so :func:`check_outcome` sees what an outlet would: how often each article page
was downloaded and the gaps between requests to one host.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from aggregator.fleet.broker import PREFIX, Broker
from aggregator.fleet.stash import PageStash
from storage.articles import Article
from storage.db import session_scope
from storage.runs import CrawlRun
from tests.fleet.outlets import ArticleGate, TimedOutletServer, gaps, wait_until

REPO = Path(__file__).parent.parent.parent
OUTLETS, ARTICLES, CRAWL_DELAY = 20, 6, 0.3
VICTIM, SERVED_BEFORE_KILL = "w1", 3
# Requests arrive at the outlet a little after the crawler's slot released them; a gap may look
# shorter than the slot's delay by that jitter, never by more.
ARRIVAL_JITTER = 0.03
# Short enough to keep the test quick, long enough that a live worker on a machine loaded by
# other test suites still renews its claims in time (3 s proved too short at a load of 20).
VISIBILITY = 8.0


@dataclass
class Fleet:
    """Where the test and its workers find the services (the same, or relayed to a host)."""

    tmp_path: Path
    database_url: str  # the test's own
    broker_url: str
    outlets: list[TimedOutletServer]
    gate: ArticleGate
    sources: Path
    allow_networks: str  # AGGREGATOR_ALLOW_NETWORKS of every worker
    worker_database_url: str = ""  # as a worker reaches it (default: the test's)
    worker_broker_url: str = ""
    prefixes: dict[str, list[str]] = field(default_factory=dict)  # worker -> ["ip", "netns", ...]


@dataclass
class Outcome:
    victim_pid: int
    stashed_at_kill: list[str]  # URLs the victim had fetched and not stored when it died


def worker_env(fleet: Fleet, name: str) -> dict[str, str]:
    """What a worker on another machine would be given: database, broker, sources file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env.update(
        PYTHONPATH=str(REPO),
        AGGREGATOR_DATABASE_URL=fleet.worker_database_url or fleet.database_url,
        AGGREGATOR_BROKER_URL=fleet.worker_broker_url or fleet.broker_url,
        AGGREGATOR_SOURCES=str(fleet.sources),
        AGGREGATOR_ALLOW_NETWORKS=fleet.allow_networks,
        AGGREGATOR_USER_AGENT=f"fleet-test {name}",
        AGGREGATOR_DOWNLOAD_DELAY="0",  # the outlets' Crawl-delay is the policy
        AGGREGATOR_EXTRACT_WORKERS="1",
        AGGREGATOR_LOG_LEVEL="INFO",
    )
    return env


def start_worker(fleet: Fleet, name: str) -> subprocess.Popen[bytes]:
    log = fleet.tmp_path / f"{name}.log"
    command = [
        *fleet.prefixes.get(name, []),
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
    ]
    with log.open("wb") as sink:
        return subprocess.Popen(
            command, env=worker_env(fleet, name), stdout=sink, stderr=subprocess.STDOUT, cwd=REPO
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


def finished_sources(database_url: str) -> set[str]:
    with session_scope(database_url) as session:
        rows = session.scalars(select(CrawlRun).where(CrawlRun.status == "finished"))
        return {run.source_name for run in rows}


def stored_urls(database_url: str) -> set[str]:
    with session_scope(database_url) as session:
        return set(session.scalars(select(Article.url)))


def source_of(fleet: Fleet, url: str) -> str:
    index = next(i for i, s in enumerate(fleet.outlets) if url.startswith(s.base_url + "/"))
    return f"outlet{index:02d}"


def stash_of(fleet: Fleet) -> PageStash:
    return PageStash(fleet.broker_url, prefix=PREFIX, ttl_ms=1000)


def kill_one_of_three(fleet: Fleet) -> Outcome:
    """Queue every outlet's run, start w1..w3, kill w1 with -9 once the pages it was answered
    are stashed, and wait until every source's run is finished and the queue is empty."""
    broker = Broker(fleet.broker_url)
    names = [f"outlet{i:02d}" for i in range(len(fleet.outlets))]
    for name in names:
        assert broker.enqueue(name) is not None
    assert broker.enqueue(names[0]) is None  # queued once, however often it is asked
    stash = stash_of(fleet)
    # A fresh database (no schema, no source rows): the workers must not race creating them.
    workers = {name: start_worker(fleet, name) for name in ("w1", "w2", "w3")}
    victim = workers[VICTIM]
    try:

        def answered_pages_arrived() -> bool:
            if not fleet.gate.full():
                return False
            stored = stored_urls(fleet.database_url)
            return all(
                url in stored or stash.get(source_of(fleet, url), url) is not None
                for url in fleet.gate.served
            )

        log = fleet.tmp_path / f"{VICTIM}.log"
        assert wait_until(answered_pages_arrived, 90), log.read_text()[-3000:]
        family = descendants(victim.pid)
        assert family, "the worker runs its extraction in child processes"
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        fleet.gate.open()
        stashed = [u for u in fleet.gate.served if stash.get(source_of(fleet, u), u) is not None]
        # Its extraction processes die with it (PDEATHSIG), whatever killed it.
        assert wait_until(lambda: not any(alive(p) for p in family), 10), family

        def all_done() -> bool:
            depth = broker.depth()
            return finished_sources(fleet.database_url) == set(names) and (
                depth.waiting + depth.running == 0
            )

        assert wait_until(all_done, 120, step=0.5), {
            "finished": sorted(finished_sources(fleet.database_url)),
            "queue": broker.depth(),
            "w2": (fleet.tmp_path / "w2.log").read_text()[-2000:],
        }
    finally:
        fleet.gate.open()
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in workers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return Outcome(victim.pid, stashed)


def check_outcome(fleet: Fleet, outcome: Outcome) -> None:
    """Stored once, downloaded once, polite, the victim's runs interrupted and redone."""
    expected = len(fleet.outlets) * ARTICLES
    # The scenario happened: the victim died with pages fetched and not stored.
    assert outcome.stashed_at_kill, "the killed worker had stored every page it fetched"

    # Every article stored exactly once.
    with session_scope(fleet.database_url) as session:
        urls = list(session.scalars(select(Article.url)))
        runs = list(session.scalars(select(CrawlRun)))
        assert session.scalar(select(func.count()).select_from(Article)) == expected
    assert len(set(urls)) == len(urls) == expected
    assert set(outcome.stashed_at_kill) <= set(urls)

    # The killed worker's runs end interrupted, and their sources were crawled again to the end.
    killed = [r for r in runs if r.pid == outcome.victim_pid]
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

    # Every stashed page was stored, so none is left (nor counted) in the stash.
    stash = stash_of(fleet)
    assert stash.total() == 0
    assert not any(stash.stashed_keys(f"outlet{i:02d}") for i in range(len(fleet.outlets)))

    for server in fleet.outlets:
        check_outlet(server)


def _seen_by(server: TimedOutletServer) -> list[tuple[float, str, int, str]]:
    """Every request the outlet saw, in order: (seconds since the first, path, status, agent),
    so that a failure says which worker fetched a page twice, and when."""
    hits = sorted(server.timed, key=lambda h: h.at)
    start = hits[0].at if hits else 0.0
    return [(round(h.at - start, 2), h.path, h.status, h.user_agent) for h in hits]


def check_outlet(server: TimedOutletServer) -> None:
    """What one outlet saw: each article page downloaded once, one worker at a time, gaps."""
    # No article page downloaded twice, the killed worker's included: the pages it had fetched
    # and not stored reached its successor from the stash. (Requests the gate held got no
    # answer: nothing was downloaded.)
    per_page = Counter(h.path for h in server.article_hits())
    assert len(per_page) == ARTICLES, (server.root.name, per_page)
    assert max(per_page.values()) == 1, (server.root.name, per_page, _seen_by(server))
    # Politeness held across workers: one worker at a time at each outlet...
    owners = [h.user_agent for h in sorted(server.timed, key=lambda h: h.at)]
    blocks = [agent for i, agent in enumerate(owners) if i == 0 or owners[i - 1] != agent]
    assert len(blocks) == len(set(blocks)), (server.root.name, blocks)
    # ... and never two requests closer than the Crawl-delay. The outlet stamps a request when
    # its handler thread runs, late by d when this loaded machine stalled it: the gap before it
    # then reads d too long and the gap after it d too short. So a gap may read short only by
    # what the gap before it reads beyond the delay (the two together still span two delays).
    spacing = gaps(server.timed)
    floor = CRAWL_DELAY - ARRIVAL_JITTER
    short = [
        (i, round(g, 3))
        for i, g in enumerate(spacing)
        if g < floor and (i == 0 or spacing[i - 1] + g < 2 * CRAWL_DELAY - ARRIVAL_JITTER)
    ]
    assert not short, (
        server.root.name,
        short,
        [(round(h.at, 3), h.path, h.user_agent[-2:]) for h in server.timed],
    )
