"""``aggregator articles``: the latest stored articles."""

from __future__ import annotations

import json

import click

from aggregator.cli.context import App, pass_app
from aggregator.cli.render import articles_table
from storage.articles import latest_articles
from storage.db import Session, session_scope
from storage.sources import source_labels


@click.command()
@click.option("-n", "--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--source", "source_name", help="Only this source.")
@click.option("--language", help="Only this language (ISO 639-1).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_app
def command(
    app: App, limit: int, source_name: str | None, language: str | None, as_json: bool
) -> None:
    """List the latest stored articles, newest first: date, source, language, title.

    Example: aggregator articles --language ar -n 50
    Example: aggregator articles --source guardian --json
    """
    with session_scope(app.database()) as session:
        if source_name is not None:
            _check_source(session, source_name)
        articles = latest_articles(session, limit=limit, source_name=source_name, language=language)
        if not as_json:
            articles_table(articles)
            return
        for article in articles:
            click.echo(
                json.dumps(
                    {
                        "url": article.url,
                        "source": article.source.name,
                        "title": article.title,
                        "language": article.language,
                        "published": article.published_at.isoformat()
                        if article.published_at
                        else None,
                        "published_source": article.published_source,
                        "published_precision": article.published_precision,
                        "authors": article.authors,
                        "words": article.word_count,
                    },
                    ensure_ascii=False,
                )
            )


def _check_source(session: Session, name: str) -> None:
    """A typo in ``--source`` is an error, not an empty table (exit 1, names the known ones).

    The database is asked, not the sources file: a source removed from the file keeps its
    stored articles.
    """
    known = [source for source, _ in source_labels(session)]
    if name not in known:
        raise click.ClickException(
            f"no source named {name!r} in the database (known: {', '.join(known) or 'none'})"
        )
