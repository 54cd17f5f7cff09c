"""``aggregator crawl``: crawl sources once, now."""

from __future__ import annotations

import click

from aggregator.cli.context import App, pass_app
from aggregator.pipelines.extract_pool import start_forkserver


@click.command()
@click.argument("names", nargs=-1, metavar="[SOURCE]...")
@click.option(
    "--due", is_flag=True, help="Crawl only the sources whose schedule says they are due."
)
@click.option(
    "--trigger",
    type=click.Choice(["manual", "scheduled", "due", "demo", "queued"]),
    default=None,
    help="Recorded on the run (the scheduler passes 'scheduled').",
)
@click.option(
    "--progress",
    type=click.Choice(["auto", "live", "log", "off"]),
    default="auto",
    show_default=True,
    help="Live status line on a terminal, progress lines (every 5 s and at the end) otherwise.",
)
@click.option(
    "--enqueue",
    is_flag=True,
    help="Queue the runs for the fleet's workers (AGGREGATOR_BROKER_URL) instead of crawling "
    "here; a source whose run is already queued or running is not queued twice.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log.")
@pass_app
def command(
    app: App,
    names: tuple[str, ...],
    due: bool,
    trigger: str | None,
    progress: str,
    enqueue: bool,
    verbose: bool,
) -> None:
    """Crawl the named sources (every enabled source when none is named).

    Runs are recorded in the database; the command ends with a summary per source.

    Example: aggregator crawl guardian le-monde

    Example: AGGREGATOR_BROKER_URL=redis://127.0.0.1:6379/3 aggregator crawl --enqueue --due
    """
    sources = app.sources.select(names)
    if sources and not (due or enqueue) and trigger != "scheduled":
        # This process crawls now: extraction warms up in the forkserver while Scrapy, storage
        # and the listings load (imported below, after it starts, for that reason). A
        # scheduled child (`schedule --child-per-run`) or `--due` from cron may well find
        # nothing new: their pool starts at the first article request, as a worker's does.
        start_forkserver()
        _import_tls_early()
    from aggregator.cli.render import runs_table
    from aggregator.crawl.runner import run_crawl
    from storage.db import session_scope
    from storage.runs import runs_by_ids

    database_url = app.database()  # schema current and dead crawls' runs closed, first
    if due:
        from datetime import UTC, datetime

        from scheduler.due import due_source_names

        wanted = set(due_source_names(database_url, app.sources, datetime.now(UTC)))
        sources = [s for s in sources if s.name in wanted]
        trigger = trigger or "due"
    if not sources:
        click.echo("Nothing to crawl: no enabled source " + ("is due." if due else "selected."))
        return
    if enqueue:
        _enqueue(app, [s.name for s in sources], trigger or "queued")
        return
    # Scrapy's INFO log only with -v: progress lines are printed by CrawlProgress itself.
    quiet = not verbose
    run_ids = run_crawl(
        app.settings,
        sources,
        trigger=trigger or "manual",
        progress=progress,
        log_level="WARNING" if quiet else None,
    )
    with session_scope(app.database_url) as session:
        runs = runs_by_ids(session, run_ids)
        runs_table(runs)
    if runs and all(run.status == "failed" for run in runs):
        raise click.ClickException("every source failed; see the failure reasons above")


def _enqueue(app: App, names: list[str], trigger: str) -> None:
    """Queue one run per source for the workers; say which were already queued."""
    from aggregator.errors import ConfigError
    from aggregator.fleet.broker import Broker

    if not app.settings.broker_url:
        raise ConfigError("--enqueue needs AGGREGATOR_BROKER_URL (e.g. redis://127.0.0.1:6379/3)")
    broker = Broker(app.settings.broker_url)
    broker.ping()
    queued = [name for name in names if broker.enqueue(name, trigger) is not None]
    skipped = [name for name in names if name not in queued]
    click.echo(f"Queued {len(queued)} run(s)" + (f": {', '.join(queued)}" if queued else "."))
    if skipped:
        click.echo(f"Already queued or running: {', '.join(skipped)}")
    depth = broker.depth()
    click.echo(f"Queue: {depth.waiting} waiting, {depth.running} running.")


def _import_tls_early() -> None:
    """Import Scrapy's TLS modules now, while few modules are loaded.

    Each of them builds a deprecated alias with ``create_deprecated_class``, which calls
    ``inspect.stack()``; that looks up the module of every frame among every loaded module.
    Imported where the engine loads the download handler, deep in the stack and after
    storage, SQLAlchemy and Twisted, the three calls cost 0.16 s of the launch. Imported
    here, before them, they cost 0.06 s (measured in a crawl on the development machine). The engine
    imports these modules anyway.
    """
    import scrapy.core.downloader.contextfactory
    import scrapy.core.downloader.tls  # noqa: F401
