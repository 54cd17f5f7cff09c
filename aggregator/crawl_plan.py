"""What a crawl needs from the database, prepared once before Scrapy starts.

:func:`prepare_crawl` brings the schema up to date, syncs the crawl's sources into the
``sources`` table and opens one ``crawl_runs`` row per source as ``running``. The ids travel
to the components as Scrapy settings (:meth:`CrawlPlan.settings`): the store pipeline reads
``AGGREGATOR_SOURCE_IDS``, the run recorder ``AGGREGATOR_RUN_IDS``. No component checks the
schema or syncs sources itself.

:func:`aggregator.crawl.runner.run_crawl` prepares before it starts Scrapy; a plain
``scrapy crawl news`` gets the same preparation from the spider's ``from_crawler``
(:func:`prepare_unless_done`).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aggregator.config.sources import Source
from storage.db import ensure_schema, session_scope
from storage.runs import finish_run, runs_by_ids, start_run
from storage.sources import sync_sources

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

SOURCE_IDS = "AGGREGATOR_SOURCE_IDS"
RUN_IDS = "AGGREGATOR_RUN_IDS"


@dataclass(frozen=True)
class CrawlPlan:
    """The rows one crawl works with: each source's row id and its open run's id."""

    source_ids: dict[str, int]
    run_ids: dict[str, int]

    def settings(self) -> dict[str, dict[str, int]]:
        """The Scrapy settings that hand the ids to the components."""
        return {SOURCE_IDS: dict(self.source_ids), RUN_IDS: dict(self.run_ids)}


def prepare_crawl(
    database_url: str, sources: list[Source], trigger: str, *, check_schema: bool = True
) -> CrawlPlan:
    """Bring the schema up to date, sync ``sources`` and open a ``running`` run for each.

    A long-lived worker checks the schema once when it starts (``check_schema=False`` per
    run): reading the migration scripts again for every run would cost more than the run.
    """
    if check_schema:
        ensure_schema(database_url)
    with session_scope(database_url) as session:
        source_ids = sync_sources(session, sources)
        run_ids = {
            source.name: start_run(
                session,
                source_name=source.name,
                source_id=source_ids[source.name],
                trigger=trigger,
                pid=os.getpid(),
                host=socket.gethostname(),
            ).id
            for source in sources
        }
    return CrawlPlan(source_ids, run_ids)


def prepare_unless_done(settings: BaseSettings, sources: list[Source]) -> None:
    """Prepare a crawl that did not come through the runner, into its (unfrozen) settings."""
    url = settings.get("AGGREGATOR_DATABASE_URL")
    if not url or settings.get(RUN_IDS) is not None:
        return
    plan = prepare_crawl(url, sources, settings.get("AGGREGATOR_TRIGGER", "manual"))
    settings.setdict(plan.settings(), priority="cmdline")


def planned_ids(settings: BaseSettings, name: str) -> dict[str, int] | None:
    """The ids a component was handed (``SOURCE_IDS`` or ``RUN_IDS``); None when unprepared."""
    if settings.get(name) is None:
        return None
    return {source: int(row_id) for source, row_id in settings.getdict(name).items()}


def abandon_runs(database_url: str, run_ids: list[int], message: str) -> None:
    """Close as ``failed`` the runs of a crawl whose spider never opened (still ``running``)."""
    with session_scope(database_url) as session:
        for run in runs_by_ids(session, run_ids):
            if run.status == "running":
                finish_run(session, run.id, status="failed", figures={}, message=message)
