"""``aggregator worker``: a long-lived crawler process that takes runs from the fleet's queue."""

from __future__ import annotations

from datetime import timedelta

import click

from aggregator.cli.context import App, pass_app
from aggregator.errors import ConfigError


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    help="Source runs crawled at the same time at most.",
)
@click.option(
    "--visibility-timeout",
    type=click.FloatRange(3, 3600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="A run whose worker renews nothing for this long (killed, cut off) goes to another "
    "worker; its host leases expire too. Use the same value on every worker.",
)
@click.option("--name", default="", help="This worker's name in `aggregator status` (host:pid).")
@click.option(
    "--max-runs",
    type=click.IntRange(1),
    default=None,
    help="Stop after this many runs are recorded (tests and benchmarks).",
)
@pass_app
def command(
    app: App, concurrency: int, visibility_timeout: float, name: str, max_runs: int | None
) -> None:
    """Take source runs from the queue at AGGREGATOR_BROKER_URL and crawl them, many at once,
    until SIGTERM or Ctrl-C (runs in progress then go back to the queue).

    A worker needs only the database URL, the broker URL and the sources file; start as many
    as you like, on any machines. `aggregator schedule` (or `aggregator crawl --enqueue`)
    queues the runs. See docs/fleet.md.

    Example: AGGREGATOR_BROKER_URL=redis://127.0.0.1:6379/3 aggregator worker --concurrency 16
    """
    from aggregator.fleet.broker import Broker
    from aggregator.fleet.worker import Worker, WorkerOptions

    settings = app.settings
    if not settings.broker_url:
        raise ConfigError(
            "a worker takes its runs from a queue: set AGGREGATOR_BROKER_URL "
            "(e.g. redis://127.0.0.1:6379/3)"
        )
    app.sources  # noqa: B018  (a broken sources file stops the worker here, with its line)
    options = WorkerOptions(
        concurrency=concurrency,
        visibility=timedelta(seconds=visibility_timeout),
        name=name,
        max_jobs=max_runs,
    )
    settings = settings.with_overrides(database_url=app.database())
    Worker(settings, Broker(settings.broker_url), options).run()
