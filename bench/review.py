"""The review page's queries at scale: folded feed pages, deep keyset pages, counts, exports.

A fresh database is bulk-loaded with --rows generated articles (bench/bulk.py), three in
ten of them grouped into stories of three (each with its first article as origin), 500
approved through editorial actions; then
p50/p95 latency in milliseconds of

feed     storage.article_query.article_page: newest 50 story rows (the origin as a story's row),
         "also in" and language badges folded (no filter;
         status=new; language=ar; one source; a frequent, a rare and an absent word)
deep     the 20th page of the unfiltered feed, opened with its keyset cursor
counts   storage.article_query.facet_counts (per status, source, language) under language=ar, and
         under a frequent search word
exports  storage.editorial.approved_articles: the 50 most recently approved

Usage:
    python bench/review.py --rows 100000 [--db sqlite|postgres] [--queries 20]
    python bench/review.py --db postgres --reuse     # measure again, no reload
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The script's folder holds bench/storage.py, which would shadow the storage package.
sys.path[0] = str(ROOT)
sys.path.append(str(ROOT / "bench"))

import databases  # noqa: E402
from bulk import load  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from storage.article_filter import ArticleFilter, Cursor  # noqa: E402
from storage.article_query import article_page, facet_counts  # noqa: E402
from storage.db import get_engine, session_scope, upgrade  # noqa: E402
from storage.editorial import (  # noqa: E402
    Editor,
    apply_action,
    approved_articles,
)

SOURCES = 50
NAME = "review"  # the database's name (bench/databases.py)


def fresh_database(kind: str) -> str:
    """An empty, migrated database for the run."""
    url = databases.fresh_database(kind, NAME)
    upgrade(url)
    return url


def fill(url: str, rows: int) -> None:
    """Sources, bulk articles, stories of three, and approvals recorded as actions."""
    sources = databases.make_sources(url, SOURCES)
    with get_engine(url).begin() as connection:
        load(connection, rows, sources)
        stories = rows // 30
        connection.execute(
            text(
                "INSERT INTO stories (id, title, article_count, created_at, updated_at) "
                "SELECT id, 'story', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM articles "
                "WHERE id <= :n"
            ),
            {"n": stories},
        )
        # Articles k, k+1, k+2 of every block of ten tell the same story.
        connection.execute(
            text("UPDATE articles SET story_id = (id / 10) % :n + 1 WHERE id % 10 < 3"),
            {"n": stories},
        )
        # The linker gives every story an origin (the feed's row for it): its first article.
        connection.execute(
            text(
                "UPDATE stories SET origin_article_id = "
                "(SELECT min(a.id) FROM articles a WHERE a.story_id = stories.id)"
            )
        )
    with session_scope(url) as session:
        editor = Editor(None, "bench")
        for article_id in range(7, rows, max(1, rows // 500)):
            apply_action(session, article_id, editor, "approve")
    analyze(url)


def analyze(url: str) -> None:
    """Planner statistics (and PostgreSQL's visibility map), as autovacuum would keep them."""
    engine = get_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        is_pg = engine.dialect.name == "postgresql"
        connection.execute(text("VACUUM ANALYZE" if is_pg else "ANALYZE"))


def timed(session: Session, runs: int, work: Callable[[], Any]) -> dict[str, float]:
    """p50 and p95 in milliseconds over ``runs`` calls (the first, warming caches, dropped)."""
    work()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
        session.expunge_all()
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1]}


def cursor_at(session: Session, pages: int) -> Cursor | None:
    """The cursor that opens page ``pages + 1`` of the unfiltered feed."""
    cursor = None
    for _ in range(pages):
        cursor = article_page(session, ArticleFilter(), before=cursor, limit=50).next_cursor
    return cursor


def measure(url: str, runs: int) -> dict[str, dict[str, float]]:
    results = {}
    with session_scope(url) as session:
        deep = cursor_at(session, 19)
        cases: dict[str, Callable[[], Any]] = {
            "feed": lambda: article_page(session, ArticleFilter()),
            "feed status=new": lambda: article_page(session, ArticleFilter(status="new")),
            "feed language=ar": lambda: article_page(session, ArticleFilter(language="ar")),
            "feed source": lambda: article_page(session, ArticleFilter(source="outlet7")),
            "feed q=minister": lambda: article_page(session, ArticleFilter(query="minister")),
            "feed q=cabinet": lambda: article_page(session, ArticleFilter(query="cabinet")),
            "feed q=earthquake": lambda: article_page(session, ArticleFilter(query="earthquake")),
            "deep (page 20)": lambda: article_page(session, ArticleFilter(), before=deep),
            "counts language=ar": lambda: facet_counts(session, ArticleFilter(language="ar")),
            "counts q=minister": lambda: facet_counts(session, ArticleFilter(query="minister")),
            "exports": lambda: approved_articles(session, ArticleFilter()),
        }
        for name, work in cases.items():
            results[name] = timed(session, runs, work)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="Measure the last run's database.")
    args = parser.parse_args()
    if args.reuse:
        url = databases.database_url(args.db, NAME)
        analyze(url)
    else:
        url = fresh_database(args.db)
        start = time.perf_counter()
        fill(url, args.rows)
        print(f"{args.db}: {args.rows} articles loaded in {time.perf_counter() - start:.0f} s")
    print(f"{'query':<22} {'p50 ms':>8} {'p95 ms':>8}")
    for name, stats in measure(url, args.queries).items():
        print(f"{name:<22} {stats['p50']:8.1f} {stats['p95']:8.1f}")


if __name__ == "__main__":
    main()
