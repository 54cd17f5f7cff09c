"""``aggregator stories``: stories updated recently, each with its origin and members."""

from __future__ import annotations

import json
from datetime import timedelta

import click

from aggregator.cli.context import App, pass_app
from aggregator.cli.render import table
from aggregator.config.sources import parse_duration
from storage.base import utcnow
from storage.db import session_scope
from storage.stories import recent_stories, story_json


def _since(value: str) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None


@click.command()
@click.option(
    "--since", default="7d", show_default=True, help="Stories updated within (30m, 6h, 7d)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story, one per line.")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 5000))
@pass_app
def command(app: App, since: str, as_json: bool, limit: int) -> None:
    """List stories (the same news across outlets and languages), newest first: id, title,
    origin article and members with URL, source, language, relation (original, translation,
    republication, retelling, duplicate, update), confidence and publication time.

    Example: aggregator stories --since 2d --json
    """
    cutoff = utcnow() - _since(since)
    with session_scope(app.database()) as session:
        stories = [story_json(s, rows) for s, rows in recent_stories(session, cutoff, limit=limit)]
    if as_json:
        for story in stories:
            click.echo(json.dumps(story, ensure_ascii=False))
        return
    rows = [
        (
            s["id"],
            (s["title"] or "")[:70],
            ", ".join(s["languages"]),
            len(s["members"]),
            s["origin"]["source"] if s["origin"] else "",
            ", ".join(f"{m['language'] or '?'}:{m['relation']}" for m in s["members"][:8]),
        )
        for s in stories
    ]
    table(("id", "title", "languages", "members", "origin", "relations"), rows, "Stories")
