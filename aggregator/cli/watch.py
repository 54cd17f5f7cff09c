"""``aggregator watch``: watch terms across scripts (add, list, remove, hits, aliases)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from aggregator.cli.context import App, pass_app

T = TypeVar("T")


def _found(work: Callable[[], T]) -> T:
    """Run ``work``; an unknown watch or alias becomes a one-line error."""
    try:
        return work()
    except LookupError as exc:
        raise click.ClickException(f"{exc}; see `aggregator watch list`") from None


@click.group()
def command() -> None:
    """Follow names across spellings and scripts: "Pegasus" also finds "Pégasus" and, once
    its Arabic alias is accepted, "وبيغاسوس". A new watch is matched once against every
    stored article, then at store time against each new one; every hit is also a
    ``watch_hit`` alert.

    Example: aggregator watch add Pegasus --alias Pégasus --language ar --language fr
    Example: aggregator watch aliases 1; aggregator watch aliases 1 --accept 3
    """


@command.command("add")
@click.argument("term")
@click.option(
    "--alias", "aliases", multiple=True, metavar="TEXT", help="Another spelling (repeat)."
)
@click.option(
    "--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeat)."
)
@click.option(
    "--language", "languages", multiple=True, metavar="CODE", help="Only this language (repeat)."
)
@click.option("--no-backfill", is_flag=True, help="Do not match the stored articles now.")
@pass_app
def watch_add(
    app: App,
    term: str,
    aliases: tuple[str, ...],
    sources: tuple[str, ...],
    languages: tuple[str, ...],
    no_backfill: bool,
) -> None:
    """Add a watch, match every stored article once, and propose aliases in other scripts.

    Example: aggregator watch add "NSO Group" --alias NSO --source gulf-courier
    """
    from storage.db import session_scope
    from storage.watches import add_watch, backfill, propose_aliases

    url = app.database()
    with session_scope(url) as session:
        watch = add_watch(session, term, aliases=aliases, sources=sources, languages=languages)
        watch_id = watch.id
    click.echo(f"added watch {watch_id}: {term!r}")
    if no_backfill:
        return
    result = backfill(url, watch_id=watch_id)
    click.echo(f"matched {result.scanned} stored articles: {result.hits} hits")
    with session_scope(url) as session:
        proposed = propose_aliases(session, watch_id)
        for alias in proposed:
            click.echo(f"proposed alias {alias.id}: {alias.text} ({alias.origin})")


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def watch_list(app: App, as_json: bool) -> None:
    """List the watches with their accepted aliases, limits and hit counts.

    Example: aggregator watch list --json
    """
    from storage.db import session_scope
    from storage.watches import hit_counts, list_watches

    with session_scope(app.database()) as session:
        counts = hit_counts(session)
        rows: list[dict[str, Any]] = [
            {
                "id": w.id,
                "term": w.term,
                "aliases": [a.text for a in w.accepted()],
                "proposed": sum(a.status == "proposed" for a in w.aliases),
                "sources": w.sources,
                "languages": w.languages,
                "hits": counts.get(w.id, 0),
            }
            for w in list_watches(session)
        ]
    if as_json:
        click.echo(json.dumps({"watches": rows}, ensure_ascii=False, indent=2))
        return
    from aggregator.cli.render import table

    table(
        ("id", "term", "aliases", "proposed", "sources", "languages", "hits"),
        [
            (
                r["id"],
                r["term"],
                ", ".join(r["aliases"]),
                r["proposed"],
                ", ".join(r["sources"]) or "any",
                ", ".join(r["languages"]) or "any",
                r["hits"],
            )
            for r in rows
        ],
        "Watches",
    )


@command.command("remove")
@click.argument("watch_id", type=int)
@pass_app
def watch_remove(app: App, watch_id: int) -> None:
    """Remove a watch with its aliases and hits (the articles stay).

    Example: aggregator watch remove 2
    """
    from storage.db import session_scope
    from storage.watches import remove_watch

    with session_scope(app.database()) as session:
        watch = _found(lambda: remove_watch(session, watch_id))
        click.echo(f"removed watch {watch_id}: {watch.term!r}")


@command.command("hits")
@click.argument("watch_id", type=int)
@click.option("--limit", default=20, show_default=True, help="How many hits, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def watch_hits(app: App, watch_id: int, limit: int, as_json: bool) -> None:
    """The articles a watch hit, newest first, with the spelling that matched.

    Example: aggregator watch hits 1 --limit 5
    """
    from storage.db import session_scope
    from storage.watches import get_watch, list_hits

    with session_scope(app.database()) as session:
        _found(lambda: get_watch(session, watch_id))
        rows: list[dict[str, Any]] = [
            {
                "article_id": r.article.id,
                "published": r.article.sort_at.isoformat(),
                "language": r.article.language,
                "title": r.article.title,
                "url": r.article.url,
                "matched": r.hit.matched,
                "found": r.hit.found,
            }
            for r in list_hits(session, watch_id, limit=limit)
        ]
    if as_json:
        click.echo(json.dumps({"hits": rows}, ensure_ascii=False, indent=2))
        return
    from aggregator.cli.render import table

    table(
        ("article", "date", "lang", "title", "matched", "found"),
        [
            (
                r["article_id"],
                r["published"][:10],
                r["language"] or "",
                (r["title"] or "")[:60],
                r["matched"],
                r["found"],
            )
            for r in rows
        ],
        f"Hits of watch {watch_id}",
    )


@command.command("backfill")
@click.argument("watch_id", type=int, required=False)
@pass_app
def watch_backfill(app: App, watch_id: int | None) -> None:
    """Match the stored articles against every spelling not matched yet (of one watch, or
    all): what `watch add`, `aliases --accept` and the web page do, for one that was cut
    short. A second run finds nothing to do.

    Example: aggregator watch backfill 1
    """
    from storage.watches import backfill

    result = backfill(app.database(), watch_id=watch_id)
    click.echo(
        f"{result.spellings} spelling(s) matched against {result.scanned} stored articles: "
        f"{result.hits} new hits"
    )


@command.command("aliases")
@click.argument("watch_id", type=int)
@click.option("--propose", is_flag=True, help="Look for new proposals first.")
@click.option(
    "--accept", "accept_id", type=int, metavar="ALIAS", help="Accept this alias (and match it)."
)
@click.option("--reject", "reject_id", type=int, metavar="ALIAS", help="Reject this alias.")
@pass_app
def watch_aliases(
    app: App, watch_id: int, propose: bool, accept_id: int | None, reject_id: int | None
) -> None:
    """A watch's aliases and proposals; accept one (matched at once against the store) or
    reject one. Only accepted aliases match.

    Example: aggregator watch aliases 1 --propose
    Example: aggregator watch aliases 1 --accept 4
    """
    from storage.db import session_scope
    from storage.watches import backfill, decide_alias, get_watch, propose_aliases

    url = app.database()
    with session_scope(url) as session:
        watch = _found(lambda: get_watch(session, watch_id))
        if propose:
            propose_aliases(session, watch_id)
        decided = accept_id if accept_id is not None else reject_id
        if decided is not None:
            alias = _found(
                lambda: decide_alias(
                    session, watch_id, decided, accept=accept_id is not None, editor=None
                )
            )
            click.echo(f"alias {alias.id} {alias.text!r} {alias.status}")
        rows = [
            (a.id, a.text, a.status, a.origin, str(a.evidence.get("why", "")))
            for a in watch.aliases
        ]
    if accept_id is not None:
        result = backfill(url, watch_id=watch_id)
        click.echo(f"matched {result.scanned} stored articles: {result.hits} new hits")
    from aggregator.cli.render import table

    table(("id", "alias", "status", "origin", "why"), rows, f"Aliases of watch {watch_id}")
