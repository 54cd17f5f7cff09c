"""``aggregator db``: schema migrations."""

from __future__ import annotations

import click

from aggregator.cli.context import App, pass_app
from storage.db import current_revision, head_revision, safe_url, upgrade


@click.group()
def command() -> None:
    """Manage the database schema (Alembic migrations).

    Example: aggregator --database-url postgresql+psycopg://localhost/news db upgrade
    """


@command.command("upgrade")
@pass_app
def db_upgrade(app: App) -> None:
    """Create or upgrade the schema to the newest migration.

    Example: aggregator --database-url sqlite:///aggregator.db db upgrade
    """
    upgrade(app.database_url)
    click.echo(f"{safe_url(app.database_url)} is at revision {current_revision(app.database_url)}")


@command.command("current")
@pass_app
def db_current(app: App) -> None:
    """Show the database's revision and the code's newest one.

    Example: aggregator db current
    """
    click.echo(f"database: {current_revision(app.database_url) or 'empty'}")
    click.echo(f"code:     {head_revision()}")
