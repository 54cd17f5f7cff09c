"""The functions scheduled jobs call, and the one command line every crawl child runs.

Jobs in the persistent store refer to :func:`crawl_job` by name with the source name as
their only argument, so a stored job survives changes of database URL, sources path or
time limit: those belong to the running service, which installs its :class:`CrawlRunner`
here when it starts.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from aggregator.errors import SchedulerError
from scheduler.runner import CrawlRunner, Outcome
from storage.job_store import job_next_run_times

JOB_PREFIX = "crawl:"
JOB_FUNC = "scheduler.jobs:crawl_job"

_runner: CrawlRunner | None = None
# In a fleet (AGGREGATOR_BROKER_URL): queues a run, returns its entry id (None: already queued).
_enqueue: Callable[[str], str | None] | None = None
# The embedded default: hands a run to this process's worker and waits until it is recorded.
_local: Callable[[str], None] | None = None
log = logging.getLogger("aggregator.scheduler")


def crawl_command(database_url: str, sources_path: str, source_name: str) -> list[str]:
    """The child process of one scheduled crawl: the same entry point as the CLI."""
    return [
        sys.executable,
        "-m",
        "aggregator",
        "--database-url",
        database_url,
        "--sources",
        sources_path,
        "crawl",
        source_name,
        "--trigger",
        "scheduled",
    ]


def job_id(source_name: str) -> str:
    """The id of a source's job in the store: ``crawl:<source name>``."""
    return JOB_PREFIX + source_name


def source_of(job_id_: str) -> str | None:
    """The source name of a crawl job id (None for other jobs)."""
    return job_id_[len(JOB_PREFIX) :] if job_id_.startswith(JOB_PREFIX) else None


def install_runner(runner: CrawlRunner | None) -> None:
    """Make ``runner`` the one :func:`crawl_job` uses (None when the service stops)."""
    global _runner
    _runner = runner


def install_queue(enqueue: Callable[[str], str | None] | None) -> None:
    """Make :func:`crawl_job` queue runs for the fleet's workers (None when the service stops)."""
    global _enqueue
    _enqueue = enqueue


def install_local(local: Callable[[str], None] | None) -> None:
    """Make :func:`crawl_job` hand runs to the in-process worker (None when it stops)."""
    global _local
    _local = local


def crawl_job(source_name: str) -> Outcome | None:
    """Crawl one source now, in a child process, and wait until its run is recorded.

    In a fleet the run is queued for a worker instead, unless one is already queued or
    running: each due run happens once, fleet-wide.
    """
    if _enqueue is not None:
        entry = _enqueue(source_name)
        if entry is None:
            log.warning("%s: not queued, its previous run is still queued or running", source_name)
        else:
            log.info("%s: run queued (%s)", source_name, entry)
        return None
    if _local is not None:
        _local(source_name)
        return None
    if _runner is None:
        raise SchedulerError(f"crawl job for {source_name!r} ran outside `aggregator schedule`")
    return _runner.run(source_name)


def stored_next_runs(database_url: str) -> dict[str, datetime]:
    """Next run time of each source's job in the persistent store (empty before a first start).

    Read straight from APScheduler's table so ``aggregator status`` needs no scheduler.
    """
    return {
        name: datetime.fromtimestamp(next_run, UTC)
        for job, next_run in job_next_run_times(database_url).items()
        if (name := source_of(job)) is not None and next_run is not None
    }
