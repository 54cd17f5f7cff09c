"""``aggregator revisions``: what changed in stored articles (edits, corrections, withdrawals)."""

from __future__ import annotations

import json

import click

from aggregator.cli.context import App, pass_app
from aggregator.cli.render import table
from aggregator.config.sources import parse_duration
from storage.base import utcnow
from storage.db import session_scope
from storage.revisits import recent_revisions


def _since(value: str) -> str:
    try:
        parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@click.command()
@click.option(
    "--since",
    default="24h",
    show_default=True,
    callback=lambda _c, _p, v: _since(v),
    help="How far back (30m, 24h, 7d).",
)
@click.option("--source", "source_name", metavar="SOURCE", help="Only this source's articles.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def command(app: App, since: str, source_name: str | None, as_json: bool) -> None:
    """List the revisions revisits found, newest first: article URL, source, the revision the
    article became, fields changed, kind (edit, correction: the new text carries a correction
    notice, withdrawn: the outlet answered 404/410) and when.

    Example: aggregator revisions --since 7d --json
    """
    moment = utcnow() - parse_duration(since)
    with session_scope(app.database()) as session:
        entries = [e.to_json() for e in recent_revisions(session, moment, source_name=source_name)]
    if as_json:
        click.echo(json.dumps({"revisions": entries}, ensure_ascii=False, indent=2))
        return
    rows = [
        (
            e["at"][:16].replace("T", " "),
            e["source"],
            e["revision"],
            e["kind"],
            ", ".join(e["changed"]),
            e["url"],
            e["notice"] or "",
        )
        for e in entries
    ]
    headers = ("when", "source", "revision", "kind", "changed", "url", "notice")
    table(headers, rows, title=f"Revisions since {since} ago")
