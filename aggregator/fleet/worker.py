"""``aggregator worker``: one long-lived crawler process that takes source runs as jobs.

Every run used to be a fresh ``aggregator crawl NAME`` process: ~2 s of imports and Scrapy's
start-up before the first request. A worker pays that once. It runs one Twisted reactor with
a Scrapy :class:`~scrapy.crawler.CrawlerRunner` and adds a crawl (one ``Crawler`` per job,
one source each) whenever a job arrives, up to ``concurrency`` at once; the extraction
process pool is shared by all of them and dies with the worker (PDEATHSIG, see
:mod:`aggregator.pipelines.extract_pool`).

Jobs come from a :class:`~aggregator.fleet.broker.Broker` (Redis Streams). The dispatcher
thread does every broker call: it takes jobs, leases their hosts (one job per host,
fleet-wide), opens their run rows, renews its claims and leases on a heartbeat, and
acknowledges a job only once its run is recorded. A worker killed with -9 renews nothing: its
jobs go to another worker after the visibility timeout, which closes the dead worker's run
rows as ``interrupted`` first. On SIGTERM/SIGINT it stops its crawls (their runs are
recorded as ``interrupted``) and hands their jobs back to the queue at once.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from aggregator.config.settings import Settings
from aggregator.config.sources import Source, SourcesFile, load_sources
from aggregator.crawl_plan import CrawlPlan, abandon_runs, prepare_crawl
from aggregator.errors import AggregatorError
from aggregator.fleet.broker import Broker, Job
from aggregator.fleet.local import LocalQueue
from storage.base import utcnow
from storage.db import DatabaseError, ensure_schema, session_scope
from storage.runs import end_run, record_closed_run, runs_by_ids

log = logging.getLogger("aggregator.worker")
STASH_TTL_VISIBILITIES = 4  # a stashed page waits this many visibility timeouts for its run


@dataclass(frozen=True)
class WorkerOptions:
    """How one worker runs; the CLI fills these from its options."""

    concurrency: int = 8
    visibility: timedelta = timedelta(seconds=30)
    name: str = ""
    max_jobs: int | None = None  # stop after this many (benchmarks and tests)


@dataclass
class Running:
    """One job this worker holds: waiting for its hosts, or being crawled."""

    job: Job
    source: Source
    hosts: list[str]
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    run_id: int | None = None
    crawler: Any = None
    lost: bool = False


def source_hosts(source: Source) -> list[str]:
    """Every host a source's crawl requests: its homepage's and its listings'."""
    urls = [source.homepage, *source.feeds, *source.sitemaps, *source.start_pages]
    return sorted({(urlsplit(str(u)).hostname or "").lower() for u in urls} - {""})


class SourcesCache:
    """The sources file, parsed again only when it changed on disk (500 sources: ~0.1 s)."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._stamp: tuple[int, int] | None = None
        self._sources: SourcesFile | None = None

    def get(self) -> SourcesFile:
        """The current sources; an invalid edit keeps the last good version (and says so)."""
        stat = self.path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp or self._sources is None:
            try:
                self._sources = load_sources(self.path)
            except AggregatorError as exc:
                if self._sources is None:
                    raise
                log.error("sources file change ignored, keeping the last good version: %s", exc)
            self._stamp = stamp
        return self._sources


def close_previous_attempt(database_url: str, run_id: int, message: str) -> bool:
    """End a run row another worker left ``running``; True when it was still open."""
    with session_scope(database_url) as session:
        for run in runs_by_ids(session, [run_id]):
            if run.status == "running":
                end_run(run, "interrupted", message)
                return True
    return False


class Worker:
    """The dispatcher (a thread: broker, leases, run rows) and the reactor (main thread)."""

    def __init__(
        self, settings: Settings, broker: Broker | LocalQueue, options: WorkerOptions
    ) -> None:
        self.settings = settings
        self.broker = broker
        self.options = options
        self.name = options.name or f"{socket.gethostname()[:100]}:{os.getpid()}"
        self.sources = SourcesCache(settings.sources)
        self.held: dict[str, Running] = {}  # entry id -> job, waiting or crawling
        self.done: queue.Queue[tuple[str, float]] = queue.Queue()  # (entry, cooling s)
        self.finished = 0
        self.started_at = time.time()
        self._stopping = threading.Event()
        self._reactor: Any = None
        self._runner: Any = None

    @property
    def visibility_ms(self) -> int:
        return int(self.options.visibility.total_seconds() * 1000)

    # --- the main thread -----------------------------------------------------------------

    def run(self, *, handle_signals: bool = True, own_logging: bool = True) -> None:
        """Serve jobs until SIGTERM/SIGINT (or ``max_jobs``); blocks in the reactor.

        The embedded default runs this in a thread of ``aggregator schedule`` (no signal
        handlers there, and the scheduler's logging): the reactor is then that thread's.
        """
        from scrapy.utils.reactor import install_reactor

        install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
        from scrapy.crawler import CrawlerRunner
        from scrapy.utils.log import configure_logging
        from twisted.internet import reactor as _reactor

        from aggregator.crawl.runner import scrapy_settings
        from aggregator.pipelines.extract_pool import close_shared_pool

        self.broker.ping()
        ensure_schema(self.settings.database_url)  # once, under a lock: workers never race
        base = scrapy_settings(self.settings, trigger="scheduled", progress="off")
        # Each run's figures go to its crawl_runs row: no stats dump per run in the log.
        base.setdict(
            {"LOG_INSTALL_ROOT_HANDLER": own_logging, "STATS_DUMP": False}, priority="cmdline"
        )
        configure_logging(base)
        reactor: Any = _reactor
        self._reactor = reactor
        self._runner = CrawlerRunner(base)
        if handle_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self._on_signal)
        dispatcher = threading.Thread(target=self._dispatch, name="worker-dispatch", daemon=True)
        reactor.callWhenRunning(dispatcher.start)
        log.info(
            "worker %s: taking runs from %s (%d at once, visibility %s)",
            self.name,
            self.broker.url,
            self.options.concurrency,
            self.options.visibility,
        )
        try:
            reactor.run(installSignalHandlers=False)
        finally:
            self._stopping.set()
            dispatcher.join(timeout=10)
            close_shared_pool()
            self.broker.retire(self.name)
            log.info("worker %s stopped after %d run(s)", self.name, self.finished)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info(
            "%s received: stopping; runs in progress go back to the queue",
            signal.Signals(signum).name,
        )
        self.stop()

    def stop(self) -> None:
        """Take no new job, stop the crawls in progress (their jobs are handed back)."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._reactor is not None:
            self._reactor.callFromThread(self._stop_crawls)

    def _stop_crawls(self) -> None:
        for held in list(self.held.values()):
            if held.crawler is not None:
                held.crawler.stop()

    def _crawl(self, held: Running, plan: CrawlPlan) -> None:
        """Start one job's crawl on the reactor (reactor thread)."""
        from scrapy.crawler import Crawler

        from aggregator.spiders.news import NewsSpider

        settings = self._runner.settings.copy()
        settings.setdict(plan.settings(), priority="cmdline")
        settings.setdict(
            {
                "AGGREGATOR_TRIGGER": held.job.trigger,
                "AGGREGATOR_SHARED_EXTRACT_POOL": True,
                "CLOSESPIDER_TIMEOUT": float(self.settings.crawl_time_limit),
            },
            priority="cmdline",
        )
        settings.setdict(self._stash_settings(held.job), priority="cmdline")
        try:
            crawler = Crawler(NewsSpider, settings)
            held.crawler = crawler
            deferred = self._runner.crawl(crawler, sources=[held.source])
        except Exception as exc:  # a crawl that cannot be built must not hold its job forever
            log.exception("%s: the crawl could not be started", held.job.source)
            if held.run_id is not None:
                abandon_runs(
                    self.settings.database_url, [held.run_id], f"the crawl did not start: {exc!r}"
                )
            self.done.put((held.job.entry, 0.0))
            return
        deferred.addBoth(self._crawled, held, crawler)

    def _stash_settings(self, job: Job) -> dict[str, Any]:
        """The page stash on the broker's Redis (none in the embedded default: nothing is
        redelivered there); only a redelivered run reads it. Its pages outlive a few
        visibility timeouts: the redelivery comes after one, plus a host lease's expiry."""
        if not isinstance(self.broker, Broker) or not self.settings.broker_url:
            return {}
        if not self.settings.page_stash:
            return {}
        ttl = STASH_TTL_VISIBILITIES * self.options.visibility.total_seconds()
        return {
            "AGGREGATOR_STASH_URL": self.settings.broker_url,
            "AGGREGATOR_STASH_PREFIX": self.broker.prefix,
            "AGGREGATOR_STASH_TTL": ttl,
            "AGGREGATOR_STASH_READ": job.redelivered,
        }

    def _crawled(self, result: Any, held: Running, crawler: Any) -> None:
        """A crawl ended (reactor thread): close a run it never opened, tell the dispatcher."""
        if getattr(crawler, "spider", None) is None and held.run_id is not None:
            cause = getattr(result, "value", result)
            abandon_runs(
                self.settings.database_url, [held.run_id], f"the crawl did not start: {cause!r}"
            )
        stats = crawler.stats.get_stats() if crawler.stats else {}
        delays = [float(self.settings.download_delay)] + [
            float(v) for k, v in stats.items() if str(k).startswith("robotstxt/crawl_delay/")
        ]
        self.done.put((held.job.entry, max(delays)))

    # --- the dispatcher thread -----------------------------------------------------------

    def _dispatch(self) -> None:
        beat = self.visibility_ms / 1000 / 3
        last_beat = last_reclaim = 0.0
        try:
            while True:
                self._collect()
                if self._stopping.is_set():
                    self._hand_back_waiting()
                    if not self.held:
                        break
                    time.sleep(0.05)
                    continue
                now = time.monotonic()
                if now - last_beat >= beat:
                    self._heartbeat()
                    last_beat = now
                self._start_waiting()
                if self._has_room():
                    if now - last_reclaim >= beat:
                        last_reclaim = now
                        for stale in self.broker.reclaim(self.name, self.visibility_ms):
                            self._accept(stale)
                    if self._has_room():
                        block = int(min(500, beat * 1000 / 2))
                        job = self.broker.take(self.name, block)
                        if job is not None:
                            self._accept(job)
                else:
                    time.sleep(0.05)
                if self._enough():
                    self.stop()
        except Exception:
            log.exception("worker %s: the dispatcher failed; stopping", self.name)
            self.stop()
            self._hand_back_waiting()
        finally:
            self._reactor.callFromThread(self._reactor.stop)

    def _has_room(self) -> bool:
        limit = self.options.max_jobs
        if limit is not None and self.finished + len(self.held) >= limit:
            return False
        return len(self.held) < self.options.concurrency

    def _enough(self) -> bool:
        """True once ``max_jobs`` runs are recorded (a benchmark's or a test's worker)."""
        limit = self.options.max_jobs
        return limit is not None and self.finished >= limit

    def _accept(self, job: Job) -> None:
        """A delivered job: close a dead worker's row of it, then wait for its hosts."""
        if job.deliveries > 1:
            self._close_dead_attempt(job)
        try:
            source = self.sources.get().get(job.source)
        except AggregatorError as exc:
            self._refuse(job, f"not crawled by worker {self.name}: {exc}")
            return
        if not source.enabled:
            self._refuse(job, f"not crawled by worker {self.name}: the source is disabled")
            return
        self.held[job.entry] = Running(job, source, source_hosts(source))
        self._start_waiting()

    def _close_dead_attempt(self, job: Job) -> None:
        last = self.broker.last_attempt(job)
        if not last:
            return
        message = (
            f"worker {last.get('worker')} stopped answering (killed or cut off); "
            f"the run was redelivered to {self.name}"
        )
        if close_previous_attempt(self.settings.database_url, int(last["run_id"]), message):
            log.warning(
                "%s: run %s of a dead worker marked interrupted", job.source, last["run_id"]
            )

    def _refuse(self, job: Job, message: str) -> None:
        """A job this worker cannot run is recorded as a failed run, never dropped silently."""
        log.error("%s: %s", job.source, message)
        with session_scope(self.settings.database_url) as session:
            record_closed_run(
                session,
                source_name=job.source,
                trigger=job.trigger,
                status="failed",
                started_at=utcnow(),
                message=message,
                pid=os.getpid(),
                host=socket.gethostname()[:255],
            )
        self.broker.ack(job)

    def _start_waiting(self) -> None:
        """Start every held job whose hosts are free now (politeness holds fleet-wide)."""
        for held in list(self.held.values()):
            if held.run_id is not None or self._stopping.is_set():
                continue
            if not self.broker.lease_hosts(held.hosts, held.token, self.visibility_ms):
                continue
            try:
                plan = prepare_crawl(
                    self.settings.database_url, [held.source], held.job.trigger, check_schema=False
                )
            except DatabaseError as exc:
                log.error("%s: cannot open its run (retrying): %s", held.job.source, exc)
                self.broker.release_hosts(held.hosts, held.token, 0)
                continue
            held.run_id = plan.run_ids[held.source.name]
            self.broker.note_attempt(held.job, held.run_id, self.name)
            self._reactor.callFromThread(self._crawl, held, plan)
            log.info("%s: run %d started", held.job.source, held.run_id)

    def _collect(self) -> None:
        """Acknowledge (or hand back) the jobs whose crawls ended, then send the alerts they
        raised to the webhook (as ``aggregator crawl`` does after its crawl)."""
        ended = 0
        while True:
            try:
                entry, cooling = self.done.get_nowait()
            except queue.Empty:
                break
            ended += 1
            held = self.held.pop(entry)
            self.broker.release_hosts(held.hosts, held.token, int(cooling * 1000))
            if held.lost:
                log.warning("%s: its job was taken over by another worker", held.job.source)
            elif self._stopping.is_set() and self._was_interrupted(held):
                self.broker.requeue(held.job)  # cut short by our stop: another worker redoes it
            else:
                self.broker.ack(held.job)
                self.finished += 1
        if ended:
            self._deliver_alerts()

    def _deliver_alerts(self) -> None:
        """Post new alerts (corrections, watch hits, quality drops) to the webhook, if set;
        a failure is retried on a later run, never stops the worker."""
        from aggregator.alerts.webhook import deliver_configured

        try:
            deliver_configured(self.settings)
        except Exception:
            log.exception("worker %s: alert delivery failed; retried after the next run", self.name)

    def _was_interrupted(self, held: Running) -> bool:
        if held.run_id is None:
            return True
        with session_scope(self.settings.database_url) as session:
            return any(run.status == "interrupted" for run in runs_by_ids(session, [held.run_id]))

    def _hand_back_waiting(self) -> None:
        for entry, held in list(self.held.items()):
            if held.run_id is None:
                self.broker.requeue(held.job)
                self.held.pop(entry)

    def _heartbeat(self) -> None:
        """Renew our claims and host leases; stop the crawls whose claim was lost."""
        entries = list(self.held)
        kept = self.broker.renew(self.name, entries)
        for entry in entries:
            held = self.held[entry]
            renewed = self.broker.renew_hosts(held.hosts, held.token, self.visibility_ms)
            if entry in kept and (renewed or held.run_id is None):
                continue
            if held.run_id is None:
                self.held.pop(entry)  # not started: whoever has it now runs it
                continue
            if not held.lost:
                log.error(
                    "%s: lost its claim or host lease (too slow to renew); stopping it",
                    held.job.source,
                )
                held.lost = True
                crawler = held.crawler
                if crawler is not None:
                    self._reactor.callFromThread(crawler.stop)
        self.broker.announce(
            self.name,
            {
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "started_at": self.started_at,
                "concurrency": self.options.concurrency,
                "running": sorted(h.job.source for h in self.held.values() if h.run_id),
                "waiting": sorted(h.job.source for h in self.held.values() if not h.run_id),
                "finished": self.finished,
            },
            ttl_s=max(3, int(self.visibility_ms / 1000)),
        )
