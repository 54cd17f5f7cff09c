"""What every verb receives: the effective settings and lazily opened resources."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from aggregator.config.settings import Settings
    from aggregator.config.sources import SourcesFile


@dataclass
class App:
    """Shared state of one CLI invocation."""

    settings: Settings
    _cache: dict[str, object] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        url: str = self.settings.database_url
        return url

    @cached_property
    def sources(self) -> SourcesFile:
        """The validated sources file (raises ConfigError naming the fault)."""
        from aggregator.config.sources import load_sources

        return load_sources(self.settings.sources)

    def database(self) -> str:
        """The database URL, with its schema brought up to date and dead crawls closed.

        Runs left ``running`` by a crawl of this machine whose process is gone (kill -9, a
        crash) are closed as ``interrupted`` here, so every command sees them ended.
        """
        from scheduler.orphan_runs import close_orphans
        from storage.db import ensure_schema

        ensure_schema(self.database_url)
        closed = close_orphans(self.database_url)
        if closed:
            click.echo(
                "Marked interrupted: runs left running by a dead crawl process ("
                + ", ".join(closed)
                + ")",
                err=True,
            )
        return self.database_url


pass_app = click.make_pass_decorator(App)
