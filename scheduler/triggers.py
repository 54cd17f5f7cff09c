"""From a source's schedule to an APScheduler trigger, and back to "when is it next due".

One module owns the meaning of a schedule, so the long-running service and
``aggregator crawl --due`` agree on when a source is due.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import ValidationError

from aggregator.config.sources import Schedule, Source
from aggregator.errors import ConfigError

# A cron expression fires at most once a minute; more jitter than this would blur it.
MAX_CRON_JITTER = timedelta(minutes=5)


def parse_default_schedule(text: str) -> Schedule:
    """Read the ``default_schedule`` option: a duration (``1h``) or a five-field cron line."""
    try:
        if len(text.split()) == 5:
            return Schedule(cron=text)
        return Schedule(interval=text)  # type: ignore[arg-type]
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ConfigError(f"AGGREGATOR_DEFAULT_SCHEDULE={text!r}: {message}") from None


def effective_schedule(source: Source, default: Schedule) -> Schedule:
    """The source's own schedule, or the default for sources that give none."""
    return source.schedule or default


def jitter_seconds(schedule: Schedule) -> int:
    """Random delay added to each run, capped at half the interval so runs never swap order."""
    jitter = schedule.jitter
    if schedule.interval is not None:
        jitter = min(jitter, schedule.interval / 2)
    else:
        jitter = min(jitter, MAX_CRON_JITTER)
    return int(jitter.total_seconds())


def build_trigger(schedule: Schedule, zone: ZoneInfo) -> BaseTrigger:
    """The APScheduler trigger of a schedule; cron lines are read in the source's time zone."""
    jitter = jitter_seconds(schedule) or None
    if schedule.interval is not None:
        return IntervalTrigger(
            seconds=schedule.interval.total_seconds(), jitter=jitter, timezone=zone
        )
    assert schedule.cron is not None
    trigger = CronTrigger.from_crontab(schedule.cron, timezone=zone)
    trigger.jitter = jitter
    return trigger


def fingerprint(source: Source, schedule: Schedule) -> str:
    """A readable summary of everything that shapes a source's trigger.

    Stored as the job name: when it is unchanged after a reload or restart the job keeps its
    persisted next run time; when it differs the job is rescheduled.
    """
    return (
        f"{source.name}: {schedule.describe()}, jitter {jitter_seconds(schedule)}s, "
        f"tz {source.timezone}"
    )


def next_due(
    schedule: Schedule, zone: ZoneInfo, last_started: datetime | None, now: datetime
) -> datetime:
    """When a source is next due, given when its last crawl started (never: due now).

    The result is never before ``now``; no jitter is applied.
    """
    if last_started is None:
        return now
    if schedule.interval is not None:
        return max(now, last_started + schedule.interval)
    assert schedule.cron is not None
    trigger = CronTrigger.from_crontab(schedule.cron, timezone=zone)
    upcoming = trigger.get_next_fire_time(None, last_started + timedelta(seconds=1))
    if upcoming is None:
        return now
    return max(now, upcoming)
