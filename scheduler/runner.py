"""Crawl children: start one per run, bound its time, end it, and make sure it is recorded.

The Twisted reactor cannot be restarted inside a process, so every crawl is a fresh child
running ``aggregator crawl NAME`` (see :func:`scheduler.jobs.crawl_command`). The runner
keeps one child per source at most, ends a child that outlives the crawl time limit
(SIGTERM, then SIGKILL after ``kill_grace``), and on shutdown lets running children finish
within a grace period before ending them the same way.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from scheduler import orphan_runs
from storage.base import utcnow

log = logging.getLogger("aggregator.scheduler")

# (database_url, sources_path, source_name) -> argv of the child.
CommandFactory = Callable[[str, str, str], list[str]]
OUTPUT_TAIL = 4000


@dataclass
class Child:
    """One running crawl process."""

    source: str
    process: subprocess.Popen[bytes]
    spawned_at: datetime
    output: Path
    ended_by: str | None = None  # "time limit" or "shutdown" once we signalled it


@dataclass(frozen=True)
class Outcome:
    """How one scheduled run ended, from the scheduler's side."""

    source: str
    returncode: int | None
    ended_by: str | None
    recorded_by_child: bool


class CrawlRunner:
    """Start crawl children and keep track of them until each run is recorded."""

    def __init__(
        self,
        database_url: str,
        sources_path: str,
        command: CommandFactory,
        *,
        time_limit: timedelta,
        kill_grace: timedelta = timedelta(seconds=15),
        log_dir: Path | None = None,
        sources_for_child: Callable[[], str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.sources_path = sources_path
        # Asked at each spawn (the scheduler's ConfigWatcher.path_for_child): the file a
        # child reads is checked as it starts, not only at the last reload.
        self.sources_for_child = sources_for_child
        self.command = command
        self.time_limit = time_limit
        self.kill_grace = kill_grace
        self.log_dir = log_dir
        self._children: dict[str, Child] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._hurry = threading.Event()

    @property
    def running(self) -> list[str]:
        """Sources being crawled now."""
        with self._lock:
            return sorted(self._children)

    def run(self, source: str) -> Outcome | None:
        """Crawl ``source`` in a child and wait for it; None when the run was skipped."""
        if self._stopping.is_set():
            log.info("%s: not started, the scheduler is stopping", source)
            return None
        other = orphan_runs.running_elsewhere(self.database_url, source, utcnow() - self.time_limit)
        if other is not None:
            log.warning(
                "%s: skipped, a crawl started at %s (pid %s on %s) is still running",
                source,
                f"{other.started_at:%H:%M:%S}",
                other.pid,
                other.host,
            )
            return None
        child = self._spawn(source)
        if child is None:
            return None
        try:
            self._wait(child)
        finally:
            with self._lock:
                self._children.pop(source, None)
        return self._record(child)

    def _spawn(self, source: str) -> Child | None:
        with self._lock:
            if source in self._children:
                log.warning("%s: skipped, its previous crawl is still running", source)
                return None
            if self._stopping.is_set():
                return None
            output = self._output_file(source)
            path = self.sources_for_child() if self.sources_for_child else self.sources_path
            argv = self.command(self.database_url, path, source)
            with output.open("wb") as sink:
                # A new session keeps a terminal's Ctrl-C away from the children: the
                # scheduler decides when and how they end.
                process = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            child = Child(source, process, utcnow(), output)
            self._children[source] = child
        log.info("%s: crawl started (pid %d)", source, process.pid)
        return child

    def _output_file(self, source: str) -> Path:
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            return self.log_dir / f"{source}.log"
        descriptor, name = tempfile.mkstemp(prefix=f"crawl-{source}-", suffix=".log")
        os.close(descriptor)
        return Path(name)

    def _wait(self, child: Child) -> None:
        try:
            child.process.wait(timeout=self.time_limit.total_seconds())
        except subprocess.TimeoutExpired:
            log.warning(
                "%s: crawl exceeded the time limit of %s; ending it", child.source, self.time_limit
            )
            self.end(child, "time limit")

    def end(self, child: Child, reason: str) -> None:
        """SIGTERM a child (it records itself as interrupted), SIGKILL it if it lingers."""
        if child.process.poll() is not None:
            return
        child.ended_by = child.ended_by or reason
        child.process.send_signal(signal.SIGTERM)
        try:
            child.process.wait(timeout=self.kill_grace.total_seconds())
        except subprocess.TimeoutExpired:
            log.warning(
                "%s: crawl ignored SIGTERM for %s; killing it", child.source, self.kill_grace
            )
            child.process.kill()
            child.process.wait()

    def _record(self, child: Child) -> Outcome:
        code = child.process.returncode
        tail = _tail(child.output)
        if self.log_dir is None:
            child.output.unlink(missing_ok=True)
        reason = _explain(code, child.ended_by, self.time_limit)
        # A row the child left running was cut short by a kill or a crash. Only a shutdown
        # is not the source's fault; a crawl that outlives the time limit is a failure.
        status = "interrupted" if child.ended_by == "shutdown" else "failed"
        written = orphan_runs.close_child_runs(
            self.database_url,
            child.source,
            child.process.pid,
            child.spawned_at,
            status,
            reason,
            annotate=child.ended_by is not None,
        )
        if written == 0:
            if code == 0:
                reason = "the crawl process exited without recording a run"
            message = reason + (f"; output: {tail}" if tail else "")
            orphan_runs.record_unrecorded_run(
                self.database_url,
                child.source,
                child.process.pid,
                child.spawned_at,
                message,
                status=status,
            )
            log.log(
                logging.WARNING if status == "interrupted" else logging.ERROR,
                "%s: %s",
                child.source,
                message,
            )
        elif code == 0:
            log.info("%s: crawl ended", child.source)
        else:
            log.warning("%s: %s", child.source, reason)
        return Outcome(child.source, code, child.ended_by, written > 0)

    def hurry(self) -> None:
        """Cut the grace of a :meth:`stop` in progress short (a second Ctrl-C)."""
        self._hurry.set()

    def stop(self, grace: timedelta) -> None:
        """Start nothing new; give running children ``grace`` to finish, then end them."""
        self._stopping.set()
        deadline = time.monotonic() + grace.total_seconds()
        while self.running and time.monotonic() < deadline and not self._hurry.is_set():
            time.sleep(0.2)
        with self._lock:
            children = list(self._children.values())
        if children:
            log.warning(
                "ending %d crawl(s) still running after %s: %s",
                len(children),
                grace,
                ", ".join(c.source for c in children),
            )
        threads = [threading.Thread(target=self.end, args=(c, "shutdown")) for c in children]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _explain(code: int | None, ended_by: str | None, limit: timedelta) -> str:
    if ended_by == "time limit":
        return f"ended by the scheduler after the crawl time limit ({limit})"
    if ended_by == "shutdown":
        return "ended by the scheduler on shutdown"
    if code is not None and code < 0:
        return f"the crawl process died of signal {signal.Signals(-code).name}"
    return f"the crawl process exited with code {code}"


def _tail(path: Path) -> str:
    try:
        data = path.read_bytes()[-OUTPUT_TAIL:]
    except OSError:
        return ""
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return " | ".join(lines[-5:])[-OUTPUT_TAIL:]
