"""The single-scheduler lease, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import update

from aggregator.errors import SchedulerError
from scheduler.lock import LOCK_NAME, SchedulerLease, holds_lease, make_holder
from storage.base import utcnow
from storage.db import session_scope
from storage.scheduler_lock import SchedulerLock


def test_a_second_scheduler_is_refused_and_told_who_holds_the_lease(database_url: str) -> None:
    first = SchedulerLease(database_url)
    first.acquire()
    second = SchedulerLease(database_url)
    with pytest.raises(SchedulerError) as error:
        second.acquire()
    message = str(error.value)
    pid = first.holder.split(":")[1]
    assert f"scheduler pid {pid}" in message and "--standby" in message
    assert holds_lease(database_url, first.holder)
    assert first.heartbeat()


def test_release_lets_the_next_scheduler_start(database_url: str) -> None:
    first = SchedulerLease(database_url)
    first.acquire()
    first.release()
    second = SchedulerLease(database_url)
    second.acquire()
    assert holds_lease(database_url, second.holder)


def test_a_stale_lease_is_taken_over_and_its_old_holder_learns_it(database_url: str) -> None:
    # The old holder runs on another machine, so only the heartbeat age can free the lease.
    old = SchedulerLease(database_url, holder="elsewhere:4242:abcd1234")
    old.acquire()
    with session_scope(database_url) as session:
        session.execute(
            update(SchedulerLock)
            .where(SchedulerLock.name == LOCK_NAME)
            .values(heartbeat_at=utcnow() - timedelta(minutes=5))
        )
    new = SchedulerLease(database_url, stale_after=timedelta(seconds=60))
    assert new.try_acquire() is None
    assert holds_lease(database_url, new.holder)
    assert old.heartbeat() is False


def test_a_fresh_lease_from_another_machine_is_respected(database_url: str) -> None:
    SchedulerLease(database_url, holder="elsewhere:4242:abcd1234").acquire()
    holder = SchedulerLease(database_url).try_acquire()
    assert holder is not None and holder.holder == "elsewhere:4242:abcd1234"


def test_a_lease_of_a_dead_local_process_is_taken_over_at_once(sqlite_url: str) -> None:
    from storage.db import upgrade

    upgrade(sqlite_url)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    host = make_holder().split(":")[0]
    SchedulerLease(sqlite_url, holder=f"{host}:{dead.stdout.strip()}:deadbeef").acquire()
    new = SchedulerLease(sqlite_url)
    new.acquire()
    assert holds_lease(sqlite_url, new.holder)
