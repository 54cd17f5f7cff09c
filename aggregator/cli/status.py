"""``aggregator status``: how every source is doing, and whether the scheduler runs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import click

from aggregator.cli.context import App, pass_app
from aggregator.cli.render import table
from storage.base import utcnow
from storage.db import session_scope
from storage.health import SourceHealth, source_health
from storage.revisits import empty_figures, revisit_figures


@click.command()
@click.argument("names", nargs=-1, metavar="[SOURCE]...")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--check",
    is_flag=True,
    help="Exit with status 2 when any enabled source has a warning (for monitoring).",
)
@pass_app
def command(app: App, names: tuple[str, ...], as_json: bool, check: bool) -> None:
    """Show per source: last success, last status, articles in the last 24 h and 7 days,
    failed runs in a row, share of failed pages, and warnings (never crawled, failing, quiet
    for much longer than usual, extraction failing, listings the last run cut at a limit,
    article budget spent, extraction quality dropped), and revisits: revisits done,
    revisions found in the last 7 days (of which corrections), articles withdrawn.

    Example: aggregator status --json
    """
    database_url = app.database()
    sources = [app.sources.get(n) for n in names] if names else app.sources.sources
    now = utcnow()
    with session_scope(database_url) as session:
        report = source_health(session, [s.name for s in sources], now)
        revisits = revisit_figures(session, since=now - timedelta(days=7))
    from scheduler.jobs import stored_next_runs
    from scheduler.lock import SchedulerLease

    lease = SchedulerLease(database_url).current()
    next_runs = stored_next_runs(database_url)
    fleet = _fleet(app.settings.broker_url)
    enabled = {s.name: s.enabled for s in sources}
    if as_json:
        click.echo(
            json.dumps(
                {
                    "generated_at": now.isoformat(),
                    "scheduler": None
                    if lease is None
                    else {"holder": lease.holder, "heartbeat_at": lease.heartbeat_at.isoformat()},
                    "workers": fleet["workers"],
                    "queue": fleet["queue"],
                    "sources": [
                        {
                            **h.to_json(),
                            "enabled": enabled[h.name],
                            "next_run_at": _iso(next_runs.get(h.name)) if enabled[h.name] else None,
                            "revisits": revisits.get(h.name, empty_figures()),
                        }
                        for h in report
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        _print_table(report, enabled, next_runs, now, revisits)
        click.echo(f"\nscheduler: {lease.describe(now) if lease else 'not running'}")
        _print_fleet(fleet)
    if check and any(h.warnings for h in report if enabled[h.name]):
        click.get_current_context().exit(2)


def _fleet(broker_url: str) -> dict[str, Any]:
    """The live workers and the queue depth (no broker: none; broker down: the error)."""
    if not broker_url:
        return {"workers": [], "queue": None}
    import redis

    from aggregator.fleet.broker import Broker

    broker = Broker(broker_url)
    try:
        return {"workers": broker.workers(), "queue": broker.depth().to_json()}
    except redis.RedisError as exc:
        return {
            "workers": [],
            "queue": {"error": f"the broker {broker.url} cannot be reached: {exc}"},
        }
    finally:
        broker.close()


def _print_fleet(fleet: dict[str, Any]) -> None:
    queue = fleet["queue"]
    if queue is None:
        return
    if "error" in queue:
        click.echo(f"queue: {queue['error']}")
        return
    click.echo(f"queue: {queue['waiting']} run(s) waiting, {queue['running']} running")
    if not fleet["workers"]:
        click.echo("workers: none alive")
    for worker in fleet["workers"]:
        running = ", ".join(worker.get("running") or []) or "idle"
        click.echo(
            f"worker {worker['name']}: running {running} "
            f"({worker.get('finished', 0)} run(s) done, up to {worker.get('concurrency')} at once)"
        )


def _print_table(
    report: list[SourceHealth],
    enabled: dict[str, bool],
    next_runs: dict[str, datetime],
    now: datetime,
    revisits: dict[str, dict[str, int]],
) -> None:
    rows = []
    for health in report:
        figures = revisits.get(health.name, empty_figures())
        share = "" if health.failed_share is None else f"{health.failed_share:.0%}"
        warnings = "; ".join(w.message for w in health.warnings)
        rows.append(
            (
                health.name if enabled[health.name] else f"{health.name} (disabled)",
                _ago(health.last_success_at, now),
                health.last_status or "",
                _until(next_runs.get(health.name), now) if enabled[health.name] else "",
                health.articles_24h,
                health.articles_7d,
                health.consecutive_failures or "",
                share,
                warnings if enabled[health.name] else "",
                figures["revisits"],
                f"{figures['revisions']} ({figures['corrections']} corr.)",
                figures["withdrawn"],
            )
        )
    headers = (
        "source",
        "last success",
        "last status",
        "next run",
        "24h",
        "7d",
        "failed in a row",
        "failed pages",
        "warnings",
        "revisits",
        "revisions 7d",
        "withdrawn",
    )
    table(headers, rows, title="Sources")


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    minutes = int((now - when).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m ago"
    if minutes < 48 * 60:
        return f"{minutes // 60}h ago"
    return f"{minutes // 1440}d ago"


def _until(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    if when <= now:
        return "due"
    return "in " + _ago(now - (when - now), now).removesuffix(" ago")


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None
