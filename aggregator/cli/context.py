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
        """The database URL, with its schema brought up to date."""
        from storage.db import ensure_schema

        ensure_schema(self.database_url)
        return self.database_url


pass_app = click.make_pass_decorator(App)
