"""Schedules: triggers, jitter bounds, fingerprints and the "next due" rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aggregator.config.sources import Schedule, parse_sources
from aggregator.errors import ConfigError
from scheduler.triggers import (
    build_trigger,
    effective_schedule,
    fingerprint,
    jitter_seconds,
    next_due,
    parse_default_schedule,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DUBAI = ZoneInfo("Asia/Dubai")


def test_default_schedule_reads_a_duration_or_a_cron_line() -> None:
    assert parse_default_schedule("1h").interval == timedelta(hours=1)
    assert parse_default_schedule("0 * * * *").cron == "0 * * * *"
    with pytest.raises(ConfigError, match="AGGREGATOR_DEFAULT_SCHEDULE='often'"):
        parse_default_schedule("often")


def test_sources_without_a_schedule_get_the_default() -> None:
    sources = parse_sources(
        "sources:\n"
        "  - {name: a, homepage: 'http://a.test/', feeds: ['http://a.test/f'], languages: en}\n"
        "  - {name: b, homepage: 'http://b.test/', feeds: ['http://b.test/f'], languages: en,\n"
        "     schedule: {interval: 5m}}\n"
    )
    default = Schedule(interval=timedelta(hours=2))
    assert effective_schedule(sources.get("a"), default) is default
    assert effective_schedule(sources.get("b"), default).interval == timedelta(minutes=5)


def test_jitter_never_exceeds_half_the_interval() -> None:
    assert jitter_seconds(Schedule(interval=timedelta(seconds=10))) == 5
    assert jitter_seconds(Schedule(interval=timedelta(hours=1))) == 30
    assert jitter_seconds(Schedule(cron="0 * * * *", jitter=timedelta(hours=1))) == 300


def test_cron_lines_are_read_in_the_source_time_zone() -> None:
    trigger = build_trigger(Schedule(cron="0 7 * * *", jitter=timedelta(0)), DUBAI)
    fire = trigger.get_next_fire_time(None, NOW)
    assert fire is not None
    assert fire.astimezone(UTC) == datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # 07:00 in Dubai


def test_fingerprint_changes_with_anything_that_shapes_the_trigger() -> None:
    sources = parse_sources(
        "sources:\n"
        "  - {name: a, homepage: 'http://a.test/', feeds: ['http://a.test/f'], languages: en}\n"
    )
    source = sources.get("a")
    every_hour = Schedule(interval=timedelta(hours=1))
    assert fingerprint(source, every_hour) == fingerprint(source, Schedule(interval="60m"))  # type: ignore[arg-type]
    assert fingerprint(source, every_hour) != fingerprint(source, Schedule(interval="2h"))  # type: ignore[arg-type]
    assert fingerprint(source, every_hour) != fingerprint(
        source, Schedule(interval=timedelta(hours=1), jitter=timedelta(0))
    )


def test_next_due_for_an_interval() -> None:
    hourly = Schedule(interval=timedelta(hours=1))
    assert next_due(hourly, DUBAI, None, NOW) == NOW
    assert next_due(hourly, DUBAI, NOW - timedelta(minutes=20), NOW) == NOW + timedelta(minutes=40)
    assert next_due(hourly, DUBAI, NOW - timedelta(hours=5), NOW) == NOW


def test_next_due_for_a_cron_line() -> None:
    daily = Schedule(cron="0 7 * * *")  # 03:00 UTC in Dubai
    yesterday_run = datetime(2026, 11, 27, 3, 0, 5, tzinfo=UTC)
    assert next_due(daily, DUBAI, yesterday_run, NOW) == NOW  # today's 03:00 UTC has passed
    today_run = datetime(2026, 11, 28, 3, 0, 5, tzinfo=UTC)
    assert next_due(daily, DUBAI, today_run, NOW) == datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
