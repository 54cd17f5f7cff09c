"""Runtime options: each declared once with its default, type, environment variable and help.

Precedence, highest first: a command-line option, the environment variable, the default.
``aggregator config show`` prints the effective values and where each came from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aggregator.errors import ConfigError


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("must be at least 1")
    return value


def _seconds(text: str) -> float:
    from aggregator.config.sources import parse_duration

    try:
        return float(text)
    except ValueError:
        return parse_duration(text).total_seconds()


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


def _moment(text: str) -> str:
    from datetime import datetime

    if text:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("give the UTC offset, e.g. 2026-12-02T06:00:00+00:00")
    return text


def _allowances(text: str) -> tuple[str, ...]:
    from aggregator.network_policy import parse_allowance

    entries = tuple(e.strip() for e in text.split(",") if e.strip())
    for entry in entries:
        parse_allowance(entry)
    return entries


def _broker_url(text: str) -> str:
    if text and not text.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("expected a Redis URL such as redis://127.0.0.1:6379/3")
    return text


def _retired_redis_url(text: str) -> str:
    if text.strip():
        raise ValueError(
            "the Redis request frontier (scrapy-redis) is retired: it lost the articles of a "
            "crawler killed mid-run. Unset it and set AGGREGATOR_BROKER_URL to the same Redis "
            "(e.g. redis://127.0.0.1:6379/3) to share runs between `aggregator worker` "
            "processes (docs/fleet.md)"
        )
    return text


@dataclass(frozen=True)
class Option:
    """One runtime option."""

    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return "AGGREGATOR_" + self.name.upper()


OPTIONS: tuple[Option, ...] = (
    Option(
        "database_url",
        "sqlite:///aggregator.db",
        "SQLAlchemy URL of the database: SQLite by default, postgresql+psycopg://... at scale.",
    ),
    Option("sources", "sources.yaml", "Path of the sources file (see docs/sources.md)."),
    Option(
        "user_agent",
        "newsroom-aggregator/0.1 (+https://github.com/newsroom-aggregator/aggregator)",
        "User-Agent sent to outlets; name the project and a contact URL.",
    ),
    Option(
        "extract_workers",
        str(os.cpu_count() or 1),
        "Processes that run extraction beside the crawler (defaults to the number of cores).",
        _positive_int,
    ),
    Option(
        "concurrency_per_domain", "2", "Parallel requests to one outlet at most.", _positive_int
    ),
    Option(
        "download_delay",
        "0.5",
        "Seconds between requests to one outlet (AutoThrottle adapts "
        "it; robots.txt Crawl-delay wins when larger).",
        float,
    ),
    Option(
        "crawl_time_limit", "20m", "A scheduled crawl of one source is ended after this.", _seconds
    ),
    Option("default_schedule", "1h", "Interval for sources whose entry has no schedule."),
    Option(
        "reload_interval",
        "20s",
        "How often the scheduler re-reads the sources file for changes.",
        _seconds,
    ),
    Option("web_host", "127.0.0.1", "Address the review web page listens on."),
    Option("web_port", "8000", "Port the review web page listens on.", _positive_int),
    Option(
        "secret_key",
        "",
        "Key that signs session cookies; empty means one is generated and kept in the database.",
    ),
    Option(
        "broker_url",
        "",
        "Redis URL of the fleet's queue of runs (e.g. redis://127.0.0.1:6379/3): the scheduler "
        "queues due runs there and `aggregator worker` processes take them (empty: no fleet, "
        "the scheduler crawls on this machine). See docs/fleet.md.",
        _broker_url,
    ),
    Option(
        "page_stash",
        "true",
        "With a broker: keep each fetched article page in its Redis until it is stored, so the "
        "run redelivered after a worker died is served it instead of downloading it again.",
        _bool,
    ),
    Option(
        "redis_url",
        "",
        "Retired (the Redis request frontier lost articles when a crawler was killed); must "
        "stay empty: set AGGREGATOR_BROKER_URL for several crawler machines.",
        _retired_redis_url,
    ),
    Option(
        "story_linking",
        "true",
        "Link each new article into its story across outlets and languages as it is stored "
        "(docs/stories.md); false stores articles unlinked (near duplicates still join) and "
        "saves that CPU, for a desk that wants no stories or to measure their cost.",
        _bool,
    ),
    Option("log_level", "INFO", "Log level of crawls and services."),
    Option("obey_robots", "true", "Obey robots.txt (leave on in production).", _bool),
    Option(
        "allow_networks",
        "",
        "Comma-separated networks or host names every source may reach although they are not "
        "public (e.g. 10.0.0.0/8,intranet.example); empty: public addresses only.",
        _allowances,
    ),
    Option(
        "now",
        "",
        "The crawl's clock for tests and replays (an ISO time with offset): which revisits are "
        "due, and when pages were fetched; empty: the real time.",
        _moment,
    ),
    Option(
        "alert_webhook_url",
        "",
        "URL that receives each new alert as signed JSON (empty: no webhook; docs/alerts.md).",
    ),
    Option(
        "alert_webhook_secret",
        "",
        "Shared secret of the webhook's HMAC-SHA256 signature (X-Aggregator-Signature).",
    ),
    Option(
        "alert_webhook_kinds",
        "",
        "Comma-separated alert kinds the webhook receives (empty: every kind).",
        _words,
    ),
    Option(
        "alert_webhook_retries",
        "5",
        "Retries of a failed webhook delivery before it is given up.",
        _positive_int,
    ),
    Option(
        "alert_webhook_backoff",
        "30s",
        "Wait before the first retry of a failed webhook delivery; doubled at each retry.",
        _seconds,
    ),
)

_BY_NAME = {o.name: o for o in OPTIONS}


@dataclass(frozen=True)
class Settings:
    """Effective option values plus where each came from (``default``, ``env``, ``cli``)."""

    values: Mapping[str, Any]
    origins: Mapping[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy where the given non-None values win (used for command-line options)."""
        values = dict(self.values)
        origins = dict(self.origins)
        for name, value in overrides.items():
            if value is None:
                continue
            option = _BY_NAME[name]
            values[name] = _parse(option, value) if isinstance(value, str) else value
            origins[name] = "cli"
        return Settings(values, origins)


def _parse(option: Option, text: str) -> Any:
    try:
        return option.parse(text)
    except ValueError as exc:
        raise ConfigError(f"{option.env}={text!r}: {exc}") from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read every option from the environment, falling back to its default."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for option in OPTIONS:
        if option.env in environ:
            values[option.name] = _parse(option, environ[option.env])
            origins[option.name] = "env"
        else:
            values[option.name] = option.parse(option.default)
            origins[option.name] = "default"
    return Settings(values, origins)
