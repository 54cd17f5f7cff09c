"""``aggregator config``: the effective runtime options."""

from __future__ import annotations

import click

from aggregator.cli.context import App, pass_app
from aggregator.cli.render import table
from aggregator.config.settings import OPTIONS
from storage.db import safe_url


@click.group()
def command() -> None:
    """Inspect runtime options (see docs/configuration.md).

    Example: AGGREGATOR_WEB_PORT=9000 aggregator config show
    """


@command.command("show")
@pass_app
def config_show(app: App) -> None:
    """Print every option with its effective value, where it came from (default, env for
    an environment variable, cli for a command-line option), and its variable.

    \b
    Example: aggregator config show
    Example: AGGREGATOR_DATABASE_URL=sqlite:///other.db aggregator config show
    """
    rows = []
    for option in OPTIONS:
        value = app.settings.values[option.name]
        if option.name == "database_url":
            value = safe_url(value)
        elif option.name in ("secret_key", "alert_webhook_secret") and value:
            value = "(set)"
        elif isinstance(value, tuple):
            value = ",".join(value)
        rows.append(
            (
                option.name,
                value,
                app.settings.origins.get(option.name, "default"),
                option.env,
                option.help,
            )
        )
    table(("option", "value", "from", "environment variable", "meaning"), rows)
