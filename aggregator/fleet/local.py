"""The embedded default's queue: runs handed to an in-process worker, no service needed.

``aggregator schedule`` without ``AGGREGATOR_BROKER_URL`` runs one
:class:`~aggregator.fleet.worker.Worker` in a thread of its own process and hands it runs
through this queue, so a scheduled run costs no process start-up there either. It offers what
the worker asks of :class:`~aggregator.fleet.broker.Broker`, in memory: one process holds
every run, so nothing is ever redelivered, and host leases are local.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from typing import Any

from aggregator.fleet.broker import Job, QueueDepth


class LocalQueue:
    """Runs queued in memory for the worker of this process; the scheduler waits on each."""

    url = "this process (embedded worker)"

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: deque[Job] = deque()
        self._queued: dict[str, str] = {}  # source -> entry, queued or running
        self._done: dict[str, threading.Event] = {}
        self._hosts: dict[str, tuple[str, float]] = {}  # host -> (token, expires, monotonic)
        self._ids = itertools.count(1)
        self._workers: dict[str, dict[str, Any]] = {}

    def ping(self) -> None:
        """Always reachable."""

    def enqueue(self, source: str, trigger: str = "scheduled") -> str | None:
        """Queue one run of ``source``; None when one is already queued or running."""
        with self._cond:
            if source in self._queued:
                return None
            entry = f"local-{next(self._ids)}"
            self._queued[source] = entry
            self._done[entry] = threading.Event()
            self._waiting.append(Job(entry, source, trigger))
            self._cond.notify_all()
            return entry

    def wait(self, entry: str, timeout: float | None = None) -> bool:
        """Block until the run is recorded (or handed back); False on timeout."""
        event = self._done.get(entry)
        return True if event is None else event.wait(timeout)

    def depth(self) -> QueueDepth:
        with self._cond:
            return QueueDepth(len(self._waiting), len(self._queued) - len(self._waiting))

    def take(self, consumer: str, block_ms: int) -> Job | None:
        with self._cond:
            if not self._waiting:
                self._cond.wait(block_ms / 1000)
            return self._waiting.popleft() if self._waiting else None

    def reclaim(self, consumer: str, visibility_ms: int, count: int = 1) -> list[Job]:
        return []  # one process: no other worker's runs to take over

    def renew(self, consumer: str, entries: list[str]) -> set[str]:
        return set(entries)

    def _finish(self, job: Job) -> None:
        with self._cond:
            if self._queued.get(job.source) == job.entry:
                del self._queued[job.source]
            event = self._done.pop(job.entry, None)
        if event is not None:
            event.set()

    def ack(self, job: Job) -> None:
        self._finish(job)

    def requeue(self, job: Job) -> str:
        """The worker stops with this run unfinished: it is recorded ``interrupted``; the
        scheduler stops too, so the run is released rather than queued for nobody."""
        self._finish(job)
        return job.entry

    def note_attempt(self, job: Job, run_id: int, worker: str) -> None:
        """Nothing to remember: no run is ever redelivered to another process."""

    def last_attempt(self, job: Job) -> dict[str, Any] | None:
        return None

    def lease_hosts(self, hosts: list[str], token: str, ttl_ms: int) -> bool:
        now = time.monotonic()
        with self._cond:
            if any(self._hosts.get(h, ("", 0.0))[1] > now for h in hosts):
                return False
            for host in hosts:
                self._hosts[host] = (token, now + ttl_ms / 1000)
            return True

    def renew_hosts(self, hosts: list[str], token: str, ttl_ms: int) -> bool:
        now = time.monotonic()
        with self._cond:
            for host in hosts:
                if self._hosts.get(host, ("", 0.0))[0] == token:
                    self._hosts[host] = (token, now + ttl_ms / 1000)
            return True

    def release_hosts(self, hosts: list[str], token: str, cool_ms: int) -> None:
        now = time.monotonic()
        with self._cond:
            for host in hosts:
                if self._hosts.get(host, ("", 0.0))[0] == token:
                    self._hosts[host] = ("cooling", now + cool_ms / 1000)

    def announce(self, worker: str, info: dict[str, Any], ttl_s: int) -> None:
        self._workers[worker] = {**info, "heartbeat_at": time.time()}

    def retire(self, worker: str) -> None:
        self._workers.pop(worker, None)
