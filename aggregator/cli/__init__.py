"""The ``aggregator`` command: a group with one module per verb.

Each verb module defines one click command (or group) named like the module. Modules load
lazily so ``aggregator --help`` stays fast and a crawl does not import the web app.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from aggregator.cli.context import pass_app  # noqa: F401  (re-exported for verb modules)
from aggregator.config.settings import load_settings
from aggregator.errors import AggregatorError

# verb -> module path; the module holds a click command named ``command``.
COMMANDS: dict[str, str] = {
    "alerts": "aggregator.cli.alerts",
    "articles": "aggregator.cli.articles",
    "config": "aggregator.cli.config",
    "crawl": "aggregator.cli.crawl",
    "db": "aggregator.cli.db",
    "demo": "aggregator.cli.demo",
    "extract": "aggregator.cli.extract",
    "revisions": "aggregator.cli.revisions",
    "schedule": "aggregator.cli.schedule",
    "serve": "aggregator.cli.serve",
    "sources": "aggregator.cli.sources",
    "status": "aggregator.cli.status",
    "stories": "aggregator.cli.stories",
    "users": "aggregator.cli.users",
    "watch": "aggregator.cli.watch",
    "worker": "aggregator.cli.worker",
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command: click.Command = importlib.import_module(module).command
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AggregatorError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database-url",
    envvar="AGGREGATOR_DATABASE_URL",
    metavar="URL",
    help="Database URL (default sqlite:///aggregator.db).",
)
@click.option(
    "--sources",
    "sources_path",
    envvar="AGGREGATOR_SOURCES",
    metavar="FILE",
    help="Sources file (default sources.yaml).",
)
@click.version_option(package_name="newsroom-aggregator")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, sources_path: str | None) -> None:
    """Watch news outlets, extract and deduplicate their articles, review and republish them.

    Example: aggregator --sources sources.yaml crawl guardian
    """
    from aggregator.cli.context import App

    try:
        # A value click took from the environment variable is the environment's, not the
        # command line's: load_settings has it already, marked "env".
        overrides = {
            name: value
            for name, value in (("database_url", database_url), ("sources", sources_path))
            if ctx.get_parameter_source("sources_path" if name == "sources" else name)
            is not click.core.ParameterSource.ENVIRONMENT
        }
        settings = load_settings().with_overrides(**overrides)
    except AggregatorError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.obj = App(settings)


def main() -> None:
    """Console entry point."""
    cli.main(args=sys.argv[1:], prog_name="aggregator")
