"""Tables for the terminal: rich on a terminal, tab-separated plain text otherwise."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from storage.articles import Article
from storage.runs import CrawlRun


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """Print rows under headers; plain tab-separated lines when stdout is not a terminal.

    A row whose length differs from the headers is a bug (values would sit under the wrong
    header), so it raises rather than print a misleading table.
    """
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"table {title!r}: {len(headers)} headers but a row of {len(row)}")
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        rich_table = Table(*headers, title=title)
        for row in rows:
            rich_table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(rich_table)
        return
    if title:
        click.echo(title)
    click.echo("\t".join(headers))
    for row in rows:
        click.echo("\t".join("" if v is None else str(v) for v in row))


def runs_table(runs: Sequence[CrawlRun], title: str = "Crawl summary") -> None:
    """One line per source run: status and counts."""
    headers = (
        "source",
        "status",
        "found",
        "fetched",
        "stored",
        "updated",
        "duplicates",
        "skipped",
        "not modified",
        "failed",
        "top failure",
    )
    rows = []
    for run in runs:
        reasons = run.failure_reasons or {}
        top = max(reasons, key=lambda r: reasons[r]) if reasons else ""
        rows.append(
            (
                run.source_name,
                run.status,
                run.found,
                run.fetched,
                run.stored,
                run.updated,
                run.duplicates,
                run.skipped,
                run.not_modified,
                run.failed,
                f"{top} ×{reasons[top]}" if top else "",
            )
        )
    table(headers, rows, title=title)


def articles_table(articles: Sequence[Article], title: str | None = None) -> None:
    """Latest stored articles: date, source, language, title."""
    rows = []
    for article in articles:
        when = ""
        if article.published_at is not None:
            day_only = article.published_precision == "day"
            when = article.published_at.strftime("%Y-%m-%d" if day_only else "%Y-%m-%d %H:%M UTC")
        rows.append(
            (
                when,
                article.source.name if article.source else "",
                article.language or "",
                (article.title or "")[:100],
            )
        )
    table(("published", "source", "language", "title"), rows, title=title)
