"""``aggregator alerts``: the alert channel (extraction-quality drops today); mark one seen."""

from __future__ import annotations

import json

import click

from aggregator.cli.context import App, pass_app
from aggregator.cli.render import table
from storage.alerts import list_alerts, mark_seen
from storage.db import session_scope


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--all", "include_seen", is_flag=True, help="Include alerts already marked seen.")
@click.option("--source", "source_name", metavar="SOURCE", help="Only this source's alerts.")
@click.option("--seen", "seen_id", type=int, metavar="ID", help="Mark alert ID seen and exit.")
@pass_app
def command(
    app: App, as_json: bool, include_seen: bool, source_name: str | None, seen_id: int | None
) -> None:
    """List unseen alerts, newest first: which source, which field, before and after, since
    when, sample URLs. One ongoing drop is one alert, refreshed by each run that still shows
    it; ``--seen ID`` marks it seen.

    Example: aggregator alerts --json; aggregator alerts --seen 3
    """
    database_url = app.database()
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
            for a in list_alerts(session, include_seen=include_seen, source_name=source_name)
        ]
    if as_json:
        click.echo(json.dumps({"alerts": alerts}, ensure_ascii=False, indent=2))
        return
    rows = [
        (
            a["id"],
            a["updated_at"][:16].replace("T", " "),
            a["source"] or "",
            a["subject"],
            a["message"],
            ", ".join(a["details"].get("samples", [])),
            "seen" if a["seen_at"] else "",
        )
        for a in alerts
    ]
    table(("id", "updated", "source", "field", "message", "samples", "seen"), rows, "Alerts")
