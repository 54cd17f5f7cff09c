"""``aggregator schedule``: the long-running service that crawls every source on time.

It stays thin. APScheduler (3.x) keeps one job per enabled source in a SQLAlchemyJobStore on
the project's database, so next run times survive a restart; the job calls
:func:`scheduler.jobs.crawl_job`, which runs the crawl in a child process. Around that the
service holds the single-scheduler lease, re-reads the sources file, and on SIGTERM/SIGINT
stops starting runs, lets running crawls finish within a grace period and ends the rest.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED

from aggregator.config.sources import Schedule, SourcesFile
from aggregator.errors import SchedulerError
from aggregator.fleet.broker import Broker
from aggregator.fleet.local import LocalQueue
from scheduler import jobs, orphan_runs
from scheduler.lock import SchedulerLease
from scheduler.reload import ConfigWatcher, sync_jobs
from scheduler.runner import CommandFactory, CrawlRunner
from storage.base import utcnow
from storage.db import DatabaseError, get_engine, safe_url
from storage.job_store import JOBS_TABLE

log = logging.getLogger("aggregator.scheduler")


class Scheduler(BackgroundScheduler):
    """APScheduler's background scheduler without its last pass after ``shutdown()``.

    APScheduler 3 wakes its thread once more after shutting its executors down, and would then
    try (and fail, with a logged traceback) to submit every job that came due during the
    grace period.
    """

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        wait: float | None = super()._process_jobs()
        return wait


@dataclass(frozen=True)
class ServiceOptions:
    """How the service runs; the CLI fills these from its options and the runtime settings."""

    database_url: str
    sources_path: str
    default_schedule: Schedule
    time_limit: timedelta
    reload_interval: timedelta = timedelta(seconds=20)
    grace: timedelta = timedelta(seconds=30)
    kill_grace: timedelta = timedelta(seconds=15)
    max_parallel: int = 4
    standby: bool = False
    heartbeat_interval: timedelta = timedelta(seconds=10)
    stale_after: timedelta = timedelta(seconds=60)
    log_dir: Path | None = None
    broker_url: str = ""  # set: queue due runs for `aggregator worker` processes
    in_process: bool = False  # no broker: crawl in a worker inside this process, not children


class SchedulerService:
    """One scheduler process: lease, job store, config reloads, crawl children."""

    def __init__(
        self,
        options: ServiceOptions,
        sources: SourcesFile,
        command: CommandFactory = jobs.crawl_command,
    ) -> None:
        self.options = options
        self.lease = SchedulerLease(options.database_url, stale_after=options.stale_after)
        self.watcher = ConfigWatcher(options.sources_path, sources)
        self.runner = CrawlRunner(
            options.database_url,
            options.sources_path,
            command,
            time_limit=options.time_limit,
            kill_grace=options.kill_grace,
            log_dir=options.log_dir,
            sources_for_child=self.watcher.path_for_child,
        )
        self.scheduler: Scheduler | None = None
        self.started = threading.Event()
        self._stop = threading.Event()
        self._lost_lease = False

    def stop(self) -> None:
        """Ask the service to shut down (safe from a signal handler or another thread)."""
        self._stop.set()

    def _handle_signal(self, signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self._stop.is_set():
            log.warning("%s received again: ending running crawls now", name)
            self.runner.hurry()
            return
        log.info(
            "%s received: no new crawls; waiting up to %s for running ones (send it "
            "again to end them now)",
            name,
            self.options.grace,
        )
        self.stop()

    def run(self, *, handle_signals: bool = False) -> None:
        """Hold the lease and schedule crawls until :meth:`stop`; raise if the lease is lost.

        With ``handle_signals`` (main thread only), SIGTERM and SIGINT stop the service
        gracefully, and a second one ends running crawls at once; the previous handlers are
        restored on return.
        """
        previous = {}
        if handle_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, self._handle_signal)
        try:
            self._run()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self) -> None:
        if not self._take_lease():
            return
        heartbeat = threading.Thread(
            target=self._heartbeat_loop, name="scheduler-heartbeat", daemon=True
        )
        heartbeat.start()
        try:
            self._serve()
        finally:
            self._stop.set()
            heartbeat.join()
            if not self._lost_lease:
                self.lease.release()
            self.watcher.cleanup()
        if self._lost_lease:
            raise SchedulerError(
                "the scheduler lost its lease on the database (another "
                "scheduler took over after missed heartbeats); it stopped"
            )

    def _take_lease(self) -> bool:
        if not self.options.standby:
            self.lease.acquire()
            return True
        announced = False
        while not self._stop.is_set():
            holder = self.lease.try_acquire()
            if holder is None:
                if announced:
                    log.info("the lease is free: taking over")
                return True
            if not announced:
                log.info(
                    "standing by: %s drives %s",
                    holder.describe(utcnow()),
                    safe_url(self.options.database_url),
                )
                announced = True
            self._stop.wait(self.options.heartbeat_interval.total_seconds())
        return False

    def _serve(self) -> None:
        url = self.options.database_url
        closed = orphan_runs.close_orphans(url)
        if closed:
            log.warning(
                "marked interrupted: crawls left running by a dead process (%s)", ", ".join(closed)
            )
        scheduler = self._build_scheduler()
        self.scheduler = scheduler
        jobs.install_runner(self.runner)
        broker = self._install_queue()
        embedded = self._start_embedded() if broker is None else None
        scheduler.start(paused=True)
        try:
            report = sync_jobs(
                scheduler, self.watcher.good, self.options.default_schedule, url, utcnow()
            )
            log.info(
                "scheduling %d source(s) from %s (%s); %d kept their next run time",
                len(self.watcher.good.enabled()),
                self.options.sources_path,
                report.describe(),
                len(report.kept),
            )
            scheduler.resume()
            self.started.set()
            self._watch()
        finally:
            scheduler.pause()
            self.runner.stop(self.options.grace)
            if embedded is not None:
                embedded.stop(self.options.grace)
            scheduler.shutdown(wait=True)
            jobs.install_runner(None)
            jobs.install_queue(None)
            if broker is not None:
                broker.close()
            log.info("scheduler stopped")

    def _install_queue(self) -> Broker | None:
        """In a fleet, due runs go to the broker's queue; workers take them from there."""
        if not self.options.broker_url:
            return None
        broker = Broker(self.options.broker_url)
        broker.ping()
        broker.ensure_group()
        jobs.install_queue(lambda name: broker.enqueue(name, "scheduled"))
        log.info("fleet mode: due runs are queued on %s for `aggregator worker`", broker.url)
        return broker

    def _start_embedded(self) -> EmbeddedWorker | None:
        """The embedded default: one worker in this process, runs handed over in memory."""
        if not self.options.in_process:
            return None
        embedded = EmbeddedWorker(self.options)
        embedded.start()
        jobs.install_local(embedded.crawl)
        log.info(
            "crawling in this process (one worker, %d runs at once)", self.options.max_parallel
        )
        return embedded

    def _build_scheduler(self) -> Scheduler:
        store = SQLAlchemyJobStore(
            engine=get_engine(self.options.database_url), tablename=JOBS_TABLE
        )
        scheduler = Scheduler(
            jobstores={"default": store},
            executors={"default": ThreadPoolExecutor(self.options.max_parallel)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )
        scheduler.add_listener(_log_job_event, EVENT_JOB_ERROR | EVENT_JOB_MAX_INSTANCES)
        return scheduler

    def _watch(self) -> None:
        """Re-read the sources file every reload interval until asked to stop."""
        interval = self.options.reload_interval.total_seconds()
        while not self._stop.wait(interval):
            sources = self.watcher.check()
            self.runner.sources_path = self.watcher.children_path()
            if sources is None or self.scheduler is None:
                continue
            try:
                report = sync_jobs(
                    self.scheduler,
                    sources,
                    self.options.default_schedule,
                    self.options.database_url,
                    utcnow(),
                )
            except DatabaseError as exc:
                log.error(
                    "sources file reloaded but the job store could not be updated "
                    "(retrying at the next reload): %s",
                    exc,
                )
                self.watcher.digest = None
                continue
            log.info("sources file reloaded: %s", report.describe())

    def _heartbeat_loop(self) -> None:
        last_ok = time.monotonic()
        stale = self.options.stale_after.total_seconds()
        while not self._stop.wait(self.options.heartbeat_interval.total_seconds()):
            try:
                if self.lease.heartbeat():
                    last_ok = time.monotonic()
                    continue
                log.error("lease lost: another scheduler took over; stopping")
            except DatabaseError as exc:
                log.warning("lease heartbeat failed: %s", exc)
                if time.monotonic() - last_ok < stale:
                    continue
                log.error("no heartbeat for %ss: the lease may be taken over; stopping", stale)
            self._lost_lease = True
            self._stop.set()


class EmbeddedWorker:
    """A :class:`~aggregator.fleet.worker.Worker` on a thread of the scheduler's process.

    Its reactor runs on that thread for the life of the service (Twisted's reactor cannot be
    restarted), so the extraction pool it opens there dies with the process whatever kills it.
    """

    def __init__(self, options: ServiceOptions) -> None:
        from aggregator.config.settings import load_settings
        from aggregator.fleet.worker import Worker, WorkerOptions

        self.queue = LocalQueue()
        self.options = options
        settings = load_settings().with_overrides(
            database_url=options.database_url,
            sources=options.sources_path,
            crawl_time_limit=options.time_limit.total_seconds(),
        )
        self.worker = Worker(
            settings, self.queue, WorkerOptions(concurrency=options.max_parallel, name="embedded")
        )
        self.thread = threading.Thread(
            target=self.worker.run,
            kwargs={"handle_signals": False, "own_logging": False},
            name="embedded-worker",
            daemon=True,
        )

    def start(self) -> None:
        self.thread.start()

    def crawl(self, source: str) -> None:
        """Run ``source`` now in the worker and wait until its run is recorded; skipped when
        a crawl of it is still running here or elsewhere (a manual ``aggregator crawl``)."""
        since = utcnow() - self.options.time_limit
        other = orphan_runs.running_elsewhere(self.options.database_url, source, since)
        if other is not None:
            log.warning(
                "%s: skipped, a crawl started at %s (pid %s on %s) is still running",
                source,
                f"{other.started_at:%H:%M:%S}",
                other.pid,
                other.host,
            )
            return
        entry = self.queue.enqueue(source)
        if entry is None:
            log.warning("%s: skipped, its previous crawl is still running", source)
            return
        self.queue.wait(entry)

    def stop(self, grace: timedelta) -> None:
        """Let runs in progress finish within ``grace``, then stop them (``interrupted``)."""
        deadline = time.monotonic() + grace.total_seconds()
        while self.queue.depth().running and time.monotonic() < deadline:
            time.sleep(0.2)
        self.worker.stop()
        self.thread.join(timeout=grace.total_seconds() + 30)
        jobs.install_local(None)


def _log_job_event(event: JobEvent) -> None:
    source = jobs.source_of(event.job_id) or event.job_id
    if event.code == EVENT_JOB_MAX_INSTANCES:
        log.warning("%s: run skipped, its previous crawl is still running", source)
    else:
        log.error("%s: the scheduled run failed: %r", source, getattr(event, "exception", None))
