"""The project's exceptions.

Every error a user can cause derives from :class:`AggregatorError`, whose message is one line
that names the culprit (a file and line, a source, a URL) so the CLI can print it without a
traceback::

    AggregatorError
    ├── ConfigError            the sources file or a runtime option is invalid
    ├── SourceNotFound         a command named a source the sources file does not have
    ├── StorageError           the database refused or failed an operation
    │   └── SchemaOutOfDate    the database needs `aggregator db upgrade`
    ├── ExtractionError        a page could not be turned into an article
    ├── DiscoveryError         a homepage, feed or sitemap could not be read
    ├── CrawlError             a crawl could not start or run
    ├── BlockedAddress         the network policy refused to connect to an address
    └── SchedulerError         the scheduler cannot start (e.g. another one holds the lock)
"""

from __future__ import annotations


class AggregatorError(Exception):
    """Base class: a one-line, user-facing failure."""


class ConfigError(AggregatorError):
    """The sources file or a runtime option is invalid.

    The message names the file, the line when the parser can tell, the source and the field.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        source: str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.source = source
        self.field = field
        where = path or ""
        if path and line:
            where = f"{path}:{line}"
        parts = [
            p
            for p in (
                where,
                f"source {source!r}" if source else "",
                f"field {field!r}" if field else "",
            )
            if p
        ]
        prefix = ", ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class SourceNotFound(AggregatorError):
    """A command named a source that the sources file does not declare."""


class StorageError(AggregatorError):
    """The database refused or failed an operation; the message says what was being saved."""


class SchemaOutOfDate(StorageError):
    """The database schema is older than the code; run `aggregator db upgrade`."""


class ExtractionError(AggregatorError):
    """A page could not be turned into an article (the message names its URL)."""


class DiscoveryError(AggregatorError):
    """A homepage, feed or sitemap could not be fetched or understood."""


class CrawlError(AggregatorError):
    """A crawl could not start or run (its spider failed to open, ...)."""


class BlockedAddress(AggregatorError):
    """The network policy refused a connection: the host is, or resolves to, a non-public address.

    ``reasons`` name each refused address (``10.0.0.1: private address``).
    """

    def __init__(self, host: str, reasons: list[str]) -> None:
        self.host = host
        self.reasons = reasons
        refused = "; ".join(reasons)
        where = (
            refused
            if reasons and reasons[0].startswith(host.strip("[]") + ":")
            else (f"{host} resolves to {refused}")
        )
        super().__init__(f"{where} (refused: allow it with allow_networks)")


class SchedulerError(AggregatorError):
    """The scheduler cannot start or go on (another instance holds the lock, ...)."""
