"""``aggregator alerts``: the alert channel (quality drops, corrections); mark seen; deliver."""

from __future__ import annotations

import json

import click

from aggregator.alerts.webhook import deliver_alerts, webhook_config
from aggregator.cli.context import App, pass_app
from aggregator.cli.render import table
from storage.alerts import KINDS, list_alerts, mark_seen
from storage.db import session_scope


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--all", "include_seen", is_flag=True, help="Include alerts already marked seen.")
@click.option("--source", "source_name", metavar="SOURCE", help="Only this source's alerts.")
@click.option("--kind", type=click.Choice(KINDS), help="Only alerts of this kind.")
@click.option("--seen", "seen_id", type=int, metavar="ID", help="Mark alert ID seen and exit.")
@click.option(
    "--deliver",
    is_flag=True,
    help="Send new alerts to the configured webhook (AGGREGATOR_ALERT_WEBHOOK_URL) and exit.",
)
@pass_app
def command(
    app: App,
    as_json: bool,
    include_seen: bool,
    source_name: str | None,
    kind: str | None,
    seen_id: int | None,
    deliver: bool,
) -> None:
    """List unseen alerts, newest first: extraction-quality drops (which field, before and
    after, since when, sample URLs) and corrections of approved articles (edit, correction or
    withdrawn, the fields changed). One ongoing situation is one alert; ``--seen ID`` marks it
    seen; ``--deliver`` sends the new ones to the webhook (crawls do it after each run).

    Example: aggregator alerts --kind correction --json; aggregator alerts --seen 3
    """
    database_url = app.database()
    if deliver:
        _deliver(app)
        return
    with session_scope(database_url) as session:
        if seen_id is not None:
            try:
                alert = mark_seen(session, seen_id)
            except LookupError as exc:
                raise click.ClickException(f"{exc}; see `aggregator alerts --all`") from None
            click.echo(f"alert {alert.id} marked seen")
            return
        alerts = [
            a.to_json()
            for a in list_alerts(
                session, include_seen=include_seen, source_name=source_name, kind=kind
            )
        ]
    if as_json:
        click.echo(json.dumps({"alerts": alerts}, ensure_ascii=False, indent=2))
        return
    rows = [
        (
            a["id"],
            a["updated_at"][:16].replace("T", " "),
            a["source"] or "",
            a["kind"],
            a["subject"],
            a["message"],
            ", ".join(a["details"].get("samples", [])) or a["details"].get("url", ""),
            "seen" if a["seen_at"] else "",
        )
        for a in alerts
    ]
    columns = ("id", "updated", "source", "kind", "subject", "message", "samples/URL", "seen")
    table(columns, rows, "Alerts")


def _deliver(app: App) -> None:
    """One delivery pass of the webhook; an error when none is configured."""
    config = webhook_config(app.settings)
    if config is None:
        raise click.ClickException(
            "no webhook configured: set AGGREGATOR_ALERT_WEBHOOK_URL and "
            "AGGREGATOR_ALERT_WEBHOOK_SECRET (see docs/alerts.md)"
        )
    report = deliver_alerts(app.database(), config)
    click.echo(
        f"webhook: {report.queued} queued, {report.delivered} delivered, "
        f"{report.failed} failed ({report.given_up} given up)"
    )
    for error in report.errors:
        click.echo(f"  {error}")
