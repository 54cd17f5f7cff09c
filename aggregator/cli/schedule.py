"""``aggregator schedule``: crawl every enabled source on its schedule, until stopped."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import click

from aggregator.cli.context import App, pass_app


@click.command()
@click.option(
    "--grace",
    type=float,
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="On SIGTERM/SIGINT, how long running crawls may go on before they are ended.",
)
@click.option(
    "--max-parallel",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Crawls running at the same time at most.",
)
@click.option(
    "--standby",
    is_flag=True,
    help="If another scheduler drives this database, wait and take over when it "
    "stops, instead of refusing to start.",
)
@click.option(
    "--log-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep each source's latest crawl output in DIR/<source>.log.",
)
@click.option(
    "--child-per-run",
    is_flag=True,
    help="Without a broker, start a child process per run (the old way) instead of crawling "
    "in a worker inside the scheduler.",
)
@pass_app
def command(
    app: App,
    grace: float,
    max_parallel: int,
    standby: bool,
    log_dir: Path | None,
    child_per_run: bool,
) -> None:
    """Run the scheduler: crawl each enabled source on its own schedule, until SIGTERM or
    Ctrl-C. Crawls run in one worker inside this process (no start-up per run), or in a child
    process each with --child-per-run.

    With AGGREGATOR_BROKER_URL set, due runs are queued for `aggregator worker` processes
    instead (see docs/fleet.md); start a second scheduler with --standby to take over if this
    one dies.

    Sources without a schedule use the default_schedule option. Next run times are kept in
    the database, so a restart continues where it stopped; edits to the sources file apply
    within the reload interval. Only one scheduler may drive a database.

    Example: aggregator --sources sources.yaml schedule --grace 60
    """
    from scheduler.service import SchedulerService, ServiceOptions
    from scheduler.triggers import parse_default_schedule

    settings = app.settings
    _configure_logging(settings.log_level)
    options = ServiceOptions(
        database_url=app.database(),
        sources_path=str(Path(settings.sources).resolve()),
        default_schedule=parse_default_schedule(settings.default_schedule),
        time_limit=timedelta(seconds=float(settings.crawl_time_limit)),
        reload_interval=timedelta(seconds=float(settings.reload_interval)),
        grace=timedelta(seconds=grace),
        max_parallel=max_parallel,
        standby=standby,
        log_dir=log_dir,
        broker_url=settings.broker_url,
        in_process=not child_per_run,
    )
    SchedulerService(options, app.sources).run(handle_signals=True)


class _DropSkipNotices(logging.Filter):
    """APScheduler's "maximum number of running instances" warning repeats our own line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in record.getMessage()


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    # APScheduler's and Alembic's INFO lines repeat what the service logs in its own words.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").addFilter(_DropSkipNotices())
    logging.getLogger("alembic").setLevel(logging.WARNING)
