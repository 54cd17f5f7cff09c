"""``aggregator demo``: the whole pipeline on bundled outlets, offline, into a fresh SQLite file."""

from __future__ import annotations

import signal
import threading
from contextlib import ExitStack
from pathlib import Path

import click

from aggregator.cli.context import App, pass_app
from aggregator.cli.render import articles_table, runs_table
from aggregator.config.sources import load_sources
from aggregator.crawl.runner import run_crawl
from aggregator.demo.outlets import OUTLETS, sources_yaml
from aggregator.demo.server import OutletServer
from storage.articles import latest_articles
from storage.db import checkpoint, session_scope, upgrade
from storage.runs import runs_by_ids


def _fresh_database(folder: Path) -> str:
    database = folder / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    upgrade(url)
    return url


@click.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-data"),
    show_default=True,
    help="Where the demo writes its sources file and SQLite database.",
)
@click.option(
    "--keep-serving",
    is_flag=True,
    help="Keep the sample outlets online after the crawl (Ctrl-C or SIGTERM to stop).",
)
@pass_app
def command(app: App, folder: Path, keep_serving: bool) -> None:
    """Serve the bundled sample outlets on loopback, crawl them into a fresh SQLite file, and
    print what was stored.

    Three outlets (an Arabic site, a French one, an English one) with feeds, sitemaps and
    article pages in real-looking chrome. Nothing leaves 127.0.0.1.

    \b
    Example: aggregator demo
    Example: aggregator --database-url sqlite:///demo-data/demo.db \\
               --sources demo-data/sources.yaml articles
    """
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        servers = {o.name: stack.enter_context(OutletServer(o.folder)) for o in OUTLETS}
        sources_file = folder / "sources.yaml"
        sources_file.write_text(
            sources_yaml({n: s.base_url for n, s in servers.items()}), encoding="utf-8"
        )
        database_url = _fresh_database(folder)
        click.echo(
            f"Serving {len(servers)} sample outlets on 127.0.0.1; crawling into "
            f"{folder / 'demo.db'} ..."
        )
        settings = app.settings.with_overrides(
            database_url=database_url, sources=str(sources_file), download_delay=0.05
        )
        sources = load_sources(sources_file).enabled()
        run_ids = run_crawl(settings, sources, trigger="demo", log_level="WARNING")
        with session_scope(database_url) as session:
            runs_table(runs_by_ids(session, run_ids))
            articles = latest_articles(session)
            articles_table(articles, title=f"{len(articles)} stored articles")
        checkpoint(database_url)  # demo.db alone is complete, even while serving
        click.echo(
            f"\nExplore: aggregator --database-url {database_url} --sources {sources_file} articles"
        )
        if keep_serving:
            for name, server in servers.items():
                click.echo(f"  {name}: {server.base_url}/")
            stop = _stop_on_signals()  # before saying so: a signal must never find none
            click.echo("Serving until Ctrl-C.")
            while not stop.wait(3600):
                pass
            click.echo("Stopping.")


def _stop_on_signals() -> threading.Event:
    """An event set by Ctrl-C or SIGTERM. The crawl's Twisted reactor replaced the signal
    handlers and, stopped, no longer acts on them: ours are put back."""
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()  # only that: printing here could re-enter a write in progress

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    return stop
