"""``aggregator articles``: the latest stored articles."""

from __future__ import annotations

import json

import click

from aggregator.cli.context import App, pass_app
from aggregator.cli.render import articles_table
from storage.articles import latest_articles
from storage.db import session_scope


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
    """
    with session_scope(app.database()) as session:
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
