"""Watch terms at scale: the article list filtered by a watch at --rows articles, the one-off
backfill of a new watch, and the store-time matching cost per article with 20 watches.

A fresh database gets --rows generated articles (bench/bulk.py's rows: short bodies, the
statuses and languages of the storage benchmark), three in ten grouped into stories of three
as in bench/review.py. Only the ``articles`` and ``stories`` rows are written (executemany on
SQLite with synchronous off, COPY on PostgreSQL): no URL, LSH or search rows, which no watch
query reads, so a million articles load in minutes. Three watches are added and backfilled
for real
(storage.watches.backfill: every stored article read in keyset batches and matched):
"police" (frequent), "minister" (rarer) and "earthquake" (absent from the corpus). Then
p50/p95 latency in milliseconds of

feed watch=W           storage.article_query.article_page with ArticleFilter(watch=W)
feed watch=W lang=ar   the same, and language=ar
counts watch=W         storage.article_query.facet_counts (the review page runs both)
page watch=W           both, as GET /?watch=W does (without HTML)

Store-time cost: 20 watches (Latin and Arabic terms and aliases) compiled once; 1,000
generated full-length articles (~450 words) matched in memory (``match``, CPU time per
article), and the store pipeline's step on the loaded database (``match_stored`` over
batches of 50 stored articles: read their text, match, insert hits and alerts; wall clock).

Usage:
    python bench/watch.py --rows 1000000 --db sqlite|postgres|both [--queries 20] [--write]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # bench/storage.py would shadow the storage package
sys.path.append(str(ROOT / "bench"))

import databases  # noqa: E402
from bulk import ARTICLE_COLUMNS, _article, _naive  # noqa: E402
from bulk import rows as generated_rows  # noqa: E402
from corpus import documents, machine, write_section  # noqa: E402
from review import analyze  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from aggregator.watch.matcher import compile_watches  # noqa: E402
from storage.article_filter import ArticleFilter  # noqa: E402
from storage.article_query import article_page, facet_counts  # noqa: E402
from storage.articles import Article  # noqa: E402
from storage.db import get_engine, session_scope, upgrade  # noqa: E402
from storage.watches import (  # noqa: E402
    WatchHit,
    active_watch_set,
    add_watch,
    backfill,
    match_stored,
)

NAME = "watch"
SOURCES = 50
CHUNK = 10_000
FEED_WATCHES = ("police", "minister", "earthquake")
TWENTY = (
    ("Pegasus", ("بيغاسوس", "Pégasus")),
    ("NSO Group", ("إن إس أو", "NSO")),
    ("Khashoggi", ("خاشقجي",)),
    ("Ahmed Mansoor", ("أحمد منصور",)),
    ("Trump", ("ترامب",)),
    ("Hamilton", ("هاميلتون",)),
    ("Indonesia", ("إندونيسيا",)),
    ("tsunami", ("تسونامي",)),
    ("cabinet", ()),
    ("Reuters", ()),
    ("WhatsApp", ("واتساب",)),
    ("Amnesty International", ("منظمة العفو الدولية",)),
    ("Emirates", ("الإمارات",)),
    ("Saudi Arabia", ("السعودية",)),
    ("Brexit", ()),
    ("Federal Reserve", ()),
    ("Sulawesi", ("سولاوسي",)),
    ("Vettel", ("فيتيل",)),
    ("Kanye West", ("كاني ويست",)),
    ("Geiger", ("غايغر",)),
)
WRITE_TITLE = "Watch terms (bench/watch.py)"


def timed(runs: int, work: Callable[[], Any], reset: Callable[[], None]) -> dict[str, float]:
    """p50 and p95 in milliseconds over ``runs`` calls (a first, warming call dropped)."""
    work()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
        reset()
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[max(0, int(len(samples) * 0.95) - 1)]}


def add_feed_watches(url: str) -> tuple[dict[str, int], dict[str, Any]]:
    """The three feed watches, backfilled; their ids and the backfill's figures."""
    with session_scope(url) as session:
        ids = {term: add_watch(session, term).id for term in FEED_WATCHES}
    start = time.perf_counter()
    result = backfill(url)
    seconds = time.perf_counter() - start
    with session_scope(url) as session:
        hits = {
            term: int(session.scalar(select(func.count()).where(WatchHit.watch_id == ident)) or 0)
            for term, ident in ids.items()
        }
    figures = {"scanned": result.scanned, "seconds": seconds, "hits": hits}
    return ids, figures


def _page(session: Session, f: ArticleFilter) -> None:
    """What GET /?watch=W reads: a page of the list and its counts."""
    article_page(session, f)
    facet_counts(session, f)


def feed_cases(url: str, ids: dict[str, int], runs: int) -> dict[str, dict[str, float]]:
    results = {}
    with session_scope(url) as session:
        for term, ident in ids.items():
            flt = ArticleFilter(watch=ident)
            ar = ArticleFilter(watch=ident, language="ar")
            cases: dict[str, Callable[[], Any]] = {
                f"feed watch={term}": partial(article_page, session, flt),
                f"feed watch={term} lang=ar": partial(article_page, session, ar),
                f"counts watch={term}": partial(facet_counts, session, flt),
                f"page watch={term}": partial(_page, session, flt),
            }
            for name, work in cases.items():
                results[name] = timed(runs, work, session.expunge_all)
        results["feed (no filter)"] = timed(
            runs, lambda: article_page(session, ArticleFilter()), session.expunge_all
        )
    return results


def twenty_watches(url: str) -> None:
    with session_scope(url) as session:
        for term, aliases in TWENTY:
            add_watch(session, term, aliases=aliases)


def store_time_cost(url: str) -> dict[str, float]:
    """Per article: matching in memory (CPU µs) and the store step on the database (wall µs)."""
    patterns = [(i, t) for i, (term, aliases) in enumerate(TWENTY) for t in (term, *aliases)]
    watch_set = compile_watches(patterns)
    docs = list(documents(1000, seed=5, copies=0.0))
    start = time.process_time()
    for doc in docs:
        watch_set.match([doc.title, doc.body])
    memory = (time.process_time() - start) / len(docs) * 1e6
    twenty_watches(url)
    with session_scope(url) as session:
        newest = list(session.scalars(select(Article.id).order_by(Article.id.desc()).limit(1000)))
        compiled = active_watch_set(session)
    start = time.perf_counter()
    for i in range(0, len(newest), 50):
        with session_scope(url) as session:
            match_stored(session, compiled, newest[i : i + 50])
    stored = (time.perf_counter() - start) / len(newest) * 1e6
    return {"patterns": float(len(patterns)), "memory_us": memory, "store_us": stored}


def fill(url: str, rows: int) -> None:
    """Sources, ``rows`` articles (articles table only) and stories of three."""
    sources = databases.make_sources(url, SOURCES)
    engine = get_engine(url)
    raw = engine.raw_connection()
    try:
        db = raw.driver_connection
        assert db is not None
        chunk: list[tuple[Any, ...]] = []
        for row in generated_rows(rows, sources):
            chunk.append(_article(row))
            if len(chunk) >= CHUNK:
                _write(engine.dialect.name, db, chunk)
                chunk = []
        if chunk:
            _write(engine.dialect.name, db, chunk)
        db.commit()
    finally:
        raw.close()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))")
            )
        stories = rows // 30
        connection.execute(
            text(
                "INSERT INTO stories (id, title, article_count, created_at, updated_at) "
                "SELECT id, 'story', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM articles "
                "WHERE id <= :n"
            ),
            {"n": stories},
        )
        connection.execute(
            text("UPDATE articles SET story_id = (id / 10) % :n + 1 WHERE id % 10 < 3"),
            {"n": stories},
        )


def _write(dialect: str, db: Any, chunk: list[tuple[Any, ...]]) -> None:
    columns = ", ".join(ARTICLE_COLUMNS)
    if dialect == "sqlite":
        db.execute("PRAGMA synchronous = OFF")
        marks = ", ".join("?" for _ in ARTICLE_COLUMNS)
        db.executemany(
            f"INSERT INTO articles ({columns}) VALUES ({marks})", [_naive(r) for r in chunk]
        )
    else:
        with db.cursor() as cursor, cursor.copy(f"COPY articles ({columns}) FROM STDIN") as copy:
            for r in chunk:
                copy.write_row(r)
    db.commit()


def run(kind: str, rows: int, runs: int) -> dict[str, Any]:
    url = databases.fresh_database(kind, NAME)
    upgrade(url)
    start = time.perf_counter()
    fill(url, rows)
    print(f"{kind}: {rows} articles loaded in {time.perf_counter() - start:.0f} s", flush=True)
    ids, backfilled = add_feed_watches(url)
    print(f"{kind}: backfill {backfilled}", flush=True)
    analyze(url)
    feeds = feed_cases(url, ids, runs)
    for name, stats in feeds.items():
        print(f"{kind}: {name:<32} {stats['p50']:8.1f} {stats['p95']:8.1f}", flush=True)
    cost = store_time_cost(url)
    print(f"{kind}: store-time {cost}", flush=True)
    return {"feeds": feeds, "backfill": backfilled, "cost": cost}


def title(kinds: list[str]) -> str:
    """The benchmarks.md section of a run: one per database, so both may run at once."""
    return f"{WRITE_TITLE}, {' and '.join(kinds)}"


def report(rows: int, runs: int, results: dict[str, dict[str, Any]]) -> str:
    kinds = list(results)
    db = "both" if len(kinds) > 1 else kinds[0]
    lines = [
        f"## {title(kinds)}",
        "",
        f"Machine: {machine()}. The machine is shared with other engineers' work: figures are",
        "indicative, compare ratios within one run. "
        f"Command: `python bench/watch.py --rows {rows} --db {db} --queries {runs} --write`.",
        "",
        f"**The article list filtered by a watch at {rows:,} articles** (p50 / p95 ms over "
        f"{runs} queries; the page runs the feed and the counts):",
        "",
        "| query | " + " | ".join(kinds) + " |",
        "|---|" + "---|" * len(kinds),
    ]
    for name in results[kinds[0]]["feeds"]:
        cells = [
            f"{results[k]['feeds'][name]['p50']:.1f} / {results[k]['feeds'][name]['p95']:.1f}"
            for k in kinds
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Hits per watch, and the backfill of the three (every article read once):", ""]
    for k in kinds:
        b = results[k]["backfill"]
        rate = b["scanned"] / b["seconds"] if b["seconds"] else 0
        lines.append(
            f"- {k}: {b['hits']}; {b['scanned']:,} articles in {b['seconds']:.0f} s "
            f"({rate:,.0f} articles/s)"
        )
    lines += ["", "**Store-time matching with 20 watches**:", ""]
    for k in kinds:
        c = results[k]["cost"]
        lines.append(
            f"- {k}: {c['patterns']:.0f} spellings; matching in memory "
            f"{c['memory_us']:.0f} µs CPU per article (~450 words); the store step on the "
            f"loaded database (read text, match, insert hits and alerts) {c['store_us']:.0f} µs "
            "wall clock per article, in batches of 50"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="Write docs/benchmarks.md.")
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {kind: run(kind, args.rows, args.queries) for kind in kinds}
    text = report(args.rows, args.queries, results)
    print(text)
    if args.write:
        write_section(title(kinds), text)


if __name__ == "__main__":
    main()
