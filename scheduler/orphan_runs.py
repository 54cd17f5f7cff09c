"""Run records the scheduler writes when a crawl child could not write its own.

A crawl records its ``crawl_runs`` row itself (running, then finished, failed or
interrupted). A child killed by SIGKILL, or one that died before it got that far, cannot: the
scheduler then closes the row, or writes one, so that every run ends recorded.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime

import storage.models  # noqa: F401  (complete metadata: foreign keys resolve)
from storage.db import session_scope
from storage.runs import (
    CrawlRun,
    end_run,
    join_message,
    record_closed_run,
    running_runs,
    runs_since,
)


def close_child_runs(
    database_url: str,
    source_name: str,
    pid: int,
    spawned_at: datetime,
    status: str,
    message: str,
    *,
    annotate: bool = False,
) -> int:
    """End the rows a child left ``running``; return how many rows the child wrote at all.

    Rows are matched by the child's pid, or (for a crawl that does not store its pid) by
    source and a start after the spawn. With ``annotate``, rows the child closed itself get
    ``message`` too, so a run the scheduler cut short says why.
    """
    with session_scope(database_url) as session:
        rows = runs_since(session, source_name, spawned_at, pid=pid)
        for row in rows:
            if row.status == "running":
                end_run(row, status, message)
            elif annotate:
                row.message = join_message(row.message, message)
        return len(rows)


def record_unrecorded_run(
    database_url: str,
    source_name: str,
    pid: int,
    spawned_at: datetime,
    message: str,
    *,
    status: str = "failed",
    trigger: str = "scheduled",
) -> None:
    """Write the run of a child that exited before recording one.

    ``failed`` when it crashed or refused to start (bad configuration), ``interrupted`` when
    the scheduler ended it on shutdown before it got going.
    """
    with session_scope(database_url) as session:
        record_closed_run(
            session,
            source_name=source_name,
            trigger=trigger,
            status=status,
            started_at=spawned_at,
            message=message,
            pid=pid,
            host=socket.gethostname()[:255],
        )


def close_orphans(database_url: str) -> list[str]:
    """End ``running`` rows of crawls on this machine whose process is gone.

    Called by every command that opens the database for work (``App.database``) and when the
    scheduler takes the lease: a crawl killed by SIGKILL, or one that died with the machine,
    left them behind. Rows of other machines, and of live processes, are left alone. Returns
    the affected source names.
    """
    host = socket.gethostname()[:255]
    closed: list[str] = []
    with session_scope(database_url) as session:
        for row in running_runs(session, host=host):
            if row.pid is not None and not pid_alive(row.pid):
                end_run(
                    row,
                    "interrupted",
                    "the crawl process was gone (killed or crashed); closed at the next start",
                )
                closed.append(row.source_name)
    return closed


def running_elsewhere(database_url: str, source_name: str, since: datetime) -> CrawlRun | None:
    """A crawl of this source, started after ``since``, that is still running.

    Local rows count only when their process is alive; rows from other machines count as
    long as they are younger than ``since`` (the crawl time limit).
    """
    host = socket.gethostname()[:255]
    with session_scope(database_url) as session:
        rows = running_runs(session, source_name=source_name, since=since)
    for row in rows:
        if row.host != host or row.pid is None or pid_alive(row.pid):
            return row
    return None


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this machine (and is not a zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True
