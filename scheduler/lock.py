"""The single-scheduler lease: one ``aggregator schedule`` drives a database at a time.

APScheduler 3 cannot share a job store: two schedulers on one store run every job twice. So
the service holds a lease, a row in ``scheduler_lock`` that names its holder and is renewed by
a heartbeat. A second scheduler finds a fresh lease and refuses (or stands by); a lease whose
heartbeat is older than ``stale_after`` is abandoned (its holder crashed or lost the
database) and may be taken over. The statements, atomic on SQLite and PostgreSQL alike, are
in :mod:`storage.scheduler_lock`; this module decides when to use them.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from aggregator.errors import SchedulerError
from scheduler.orphan_runs import pid_alive
from storage.base import utcnow
from storage.db import safe_url, session_scope
from storage.scheduler_lock import (
    create_lock,
    get_lock,
    lock_holder,
    release_lock,
    renew_lock,
    take_over_lock,
)

LOCK_NAME = "scheduler"


def make_holder() -> str:
    """``host:pid:random``: who holds the lease, readable in error messages."""
    return f"{socket.gethostname()[:200]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class LeaseInfo:
    """The current holder of the lease, as read from the database."""

    holder: str
    acquired_at: datetime
    heartbeat_at: datetime

    def describe(self, now: datetime) -> str:
        host, _, rest = self.holder.partition(":")
        pid = rest.partition(":")[0]
        age = int((now - self.heartbeat_at).total_seconds())
        return (
            f"scheduler pid {pid} on {host} (running since "
            f"{self.acquired_at:%Y-%m-%d %H:%M:%S} UTC, last heartbeat {age}s ago)"
        )


def _holder_is_dead(holder: str) -> bool:
    """True when the holder ran on this machine and its process is gone."""
    host, _, rest = holder.partition(":")
    if host != socket.gethostname()[:200]:
        return False
    try:
        pid = int(rest.partition(":")[0])
    except ValueError:
        return False
    return pid != os.getpid() and not pid_alive(pid)


class SchedulerLease:
    """Acquire, renew and release the lease for one scheduler process."""

    def __init__(
        self,
        database_url: str,
        *,
        holder: str | None = None,
        stale_after: timedelta = timedelta(seconds=60),
    ) -> None:
        self.database_url = database_url
        self.holder = holder or make_holder()
        self.stale_after = stale_after

    def current(self) -> LeaseInfo | None:
        """Who holds the lease now (None when nobody does)."""
        with session_scope(self.database_url) as session:
            row = get_lock(session, LOCK_NAME)
            if row is None:
                return None
            return LeaseInfo(row.holder, row.acquired_at, row.heartbeat_at)

    def try_acquire(self) -> LeaseInfo | None:
        """Take the lease if it is free, ours, stale or held by a dead local process.

        Returns None on success, else who holds it.
        """
        now = utcnow()
        info = self.current()
        if info is None:
            with session_scope(self.database_url) as session:
                created = create_lock(session, LOCK_NAME, self.holder, now)
            return None if created else self.current() or self.try_acquire()
        if info.holder == self.holder:
            return None if self.heartbeat() else self.current()
        if now - info.heartbeat_at < self.stale_after and not _holder_is_dead(info.holder):
            return info
        # Take over only if nobody else did in between: compare holder and heartbeat.
        with session_scope(self.database_url) as session:
            taken = take_over_lock(
                session,
                LOCK_NAME,
                self.holder,
                from_holder=info.holder,
                from_heartbeat=info.heartbeat_at,
                now=now,
            )
        return None if taken else self.current()

    def acquire(self) -> None:
        """Take the lease or raise SchedulerError saying who holds it."""
        holder = self.try_acquire()
        if holder is not None:
            raise SchedulerError(
                f"another {holder.describe(utcnow())} drives {safe_url(self.database_url)}; "
                "two schedulers would run every crawl twice. Stop it, use --standby to wait, "
                f"or wait {int(self.stale_after.total_seconds())}s after it died"
            )

    def heartbeat(self) -> bool:
        """Renew the lease; False means it was lost (another scheduler took it over)."""
        with session_scope(self.database_url) as session:
            return renew_lock(session, LOCK_NAME, self.holder, utcnow())

    def release(self) -> None:
        """Give the lease up so another scheduler can start at once."""
        with session_scope(self.database_url) as session:
            release_lock(session, LOCK_NAME, self.holder)


def holds_lease(database_url: str, holder: str) -> bool:
    """True when ``holder`` holds the lease (used by tests and ``aggregator status``)."""
    with session_scope(database_url) as session:
        return lock_holder(session, LOCK_NAME) == holder
