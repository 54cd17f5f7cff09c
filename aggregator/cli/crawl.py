"""``aggregator crawl``: crawl sources once, now."""

from __future__ import annotations

import click

from aggregator.cli.context import App, pass_app
from aggregator.cli.render import runs_table
from aggregator.crawl.runner import run_crawl
from storage.db import session_scope
from storage.runs import runs_by_ids


@click.command()
@click.argument("names", nargs=-1, metavar="[SOURCE]...")
@click.option(
    "--due", is_flag=True, help="Crawl only the sources whose schedule says they are due."
)
@click.option(
    "--trigger",
    type=click.Choice(["manual", "scheduled", "due", "demo"]),
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
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log.")
@pass_app
def command(
    app: App, names: tuple[str, ...], due: bool, trigger: str | None, progress: str, verbose: bool
) -> None:
    """Crawl the named sources (every enabled source when none is named).

    Runs are recorded in the database; the command ends with a summary per source.

    Example: aggregator crawl guardian le-monde
    """
    sources = app.sources.select(names)
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
