"""Configuration read by every part: the sources file and the runtime options."""

from aggregator.config.settings import OPTIONS, Settings, load_settings
from aggregator.config.sources import Source, SourcesFile, load_sources, parse_sources

__all__ = [
    "OPTIONS",
    "Settings",
    "Source",
    "SourcesFile",
    "load_settings",
    "load_sources",
    "parse_sources",
]
