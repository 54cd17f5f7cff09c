"""Storage at scale on SQLite and PostgreSQL: insert rate, feed and search latency.

For each database: a fresh, migrated database; the save_article insert rate on an empty
database (full articles, dedup, URLs, buckets, search entry, batches of 50 through
BatchWriter); a bulk load up to --rows stored articles (bench/bulk.py); the insert rate
again at that size; then p50/p95 latency of

feed    the editors' main query: newest 50 articles, with the filters the review page offers
        (none; status=new; status=new and language; one source), ORM objects loaded;
search  the same newest-50 page restricted by ``find_matches(session, q).for_page(Article)``
        (its count of matches included) for words of varied frequency and a two-word query.

Usage:
    python bench/storage.py --rows 100000              # both databases
    python bench/storage.py --rows 1000000 --write     # update docs/benchmarks.md
    python bench/storage.py --rows 1000000 --db sqlite --stage load   # load, keep the database
    python bench/storage.py --db sqlite --stage measure > sqlite.log  # measure it, then drop it
    python bench/storage.py --render sqlite.log --write  # (JSON lines of several logs)
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# This file is bench/storage.py: the script's folder must not shadow the storage package.
sys.path[0] = str(ROOT)
sys.path.append(str(ROOT / "bench"))

from bulk import load  # noqa: E402
from corpus import documents, machine, write_section  # noqa: E402
from databases import (  # noqa: E402
    BENCH_DIR,
    database_url,
    drop_database,
    fresh_database,
    make_sources,
)
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from aggregator.fingerprints.fingerprint import fingerprint  # noqa: E402
from storage.article_record import ArticleRecord  # noqa: E402
from storage.articles import Article  # noqa: E402
from storage.batches import BatchWriter  # noqa: E402
from storage.db import get_engine, upgrade  # noqa: E402
from storage.search import find_matches, index_article, matching_ids  # noqa: E402
from storage.sources import SourceRow  # noqa: E402

STORAGE = "storage"  # the loaded database's name
SEARCHES = [
    "president",
    "market",
    "court",
    "climate change",
    "earthquake",
    "cabinet",
    "billion",
    "said",
    "pegasus",  # one old story: OLD_STORY articles from a year ago (plant_old_story)
]
OLD_STORY = 3_000


def insert_rate(
    url: str, sources: list[int], n: int, seed: int, *, fingerprinted: bool = False
) -> float:
    """Articles per second through BatchWriter.write (batches of 50), wall clock.

    ``fingerprinted``: the records carry their fingerprint, computed before the clock starts,
    as the crawl's fingerprint stage hands it to the store stage.
    """
    rng = random.Random(seed)
    writer = BatchWriter(url)
    now = time.time()
    records = [
        ArticleRecord(
            source_id=rng.choice(sources),
            url=f"https://outlet.example/new/{seed}/{i}",
            fetched_at=_utc(now),
            body=doc.body,
            title=doc.title,
            language=doc.language,
            fingerprint=fingerprint(doc.body) if fingerprinted else None,
        )
        for i, doc in enumerate(documents(n, seed=seed))
    ]
    start = time.perf_counter()
    for k in range(0, n, 50):
        results = writer.write(records[k : k + 50])
        assert all(r.outcome for r in results), [r.error for r in results if r.error][:1]
    return n / (time.perf_counter() - start)


def _utc(epoch: float) -> Any:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC)


def latencies(url: str, sources: list[int], queries: int) -> dict[str, dict[str, float]]:
    rng = random.Random(5)
    feeds = {
        "newest 50": lambda: [],
        "status=new": lambda: [Article.status == "new"],
        "status=new, language": lambda: [
            Article.status == "new",
            Article.language == rng.choice(["fr", "ar"]),
        ],
        "one source": lambda: [Article.source_id == rng.choice(sources)],
    }
    results = {}
    with Session(get_engine(url)) as session:
        for name, filters in feeds.items():
            results[f"feed: {name}"] = _time(
                session,
                queries,
                lambda f=filters: (
                    select(Article)
                    .where(*f())
                    .order_by(Article.sort_at.desc(), Article.id.desc())
                    .limit(50)
                ),
            )
        for word in SEARCHES:
            matches = session.scalar(
                select(func.count()).select_from(matching_ids(word).subquery())
            )
            results[f"search: {word}"] = {"matches": matches or 0} | _time(
                session,
                max(5, queries // 4),
                lambda w=word: (
                    select(Article)
                    .where(find_matches(session, w).for_page(Article))
                    .order_by(Article.sort_at.desc(), Article.id.desc())
                    .limit(50)
                ),
            )
    return results


def _time(session: Session, runs: int, build: Any) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        rows = session.scalars(build()).all()
        samples.append((time.perf_counter() - start) * 1000)
        session.expunge_all()
    found = len(rows)
    samples.sort()
    return {
        "p50_ms": statistics.median(samples),
        "p95_ms": samples[min(len(samples) - 1, int(len(samples) * 0.95))],
        "rows": found,
    }


def run(kind: str, rows: int, inserts: int, queries: int) -> dict[str, Any]:
    """Both stages, then the databases are dropped."""
    result = {**load_stage(kind, rows), **measure_stage(kind, inserts, queries)}
    drop_database(kind, STORAGE)
    return result


def load_stage(kind: str, rows: int) -> dict[str, Any]:
    """A fresh database bulk-loaded to ``rows`` articles, a year-old story planted in it
    (kept for :func:`measure_stage`)."""
    url = fresh_database(kind, STORAGE)
    upgrade(url)
    sources = make_sources(url)
    start = time.perf_counter()
    load(url, rows, sources, offset=10_000_000, log=lambda line: print(kind, line, flush=True))
    load_seconds = time.perf_counter() - start
    plant_old_story(url, "Pegasus", OLD_STORY)
    with get_engine(url).connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    get_engine(url).dispose()
    result = {"db": kind, "rows": rows, "bulk_rows_per_s": rows / load_seconds}
    (BENCH_DIR / f"{kind}-load.json").write_text(json.dumps(result))
    return result


def plant_old_story(url: str, word: str, count: int) -> None:
    """Add ``word`` to the titles of ``count`` articles published 330-365 days ago (and
    reindex them): a story the newsroom covered a year back, searched for today."""
    with Session(get_engine(url)) as session:
        cutoff = session.scalar(select(func.min(Article.sort_at))) + timedelta(days=35)
        old = select(Article).where(Article.sort_at < cutoff).order_by(Article.id).limit(count)
        for article in session.scalars(old):
            article.title = f"{article.title} {word}"
            index_article(session, article)
        session.commit()


def measure_stage(kind: str, inserts: int, queries: int) -> dict[str, Any]:
    """Insert rates (empty database, and on top of the loaded one) and query latencies."""
    loaded = json.loads((BENCH_DIR / f"{kind}-load.json").read_text())
    empty = fresh_database(kind, "empty")
    upgrade(empty)
    empty_rate = insert_rate(empty, make_sources(empty), inserts, seed=1)
    get_engine(empty).dispose()
    drop_database(kind, "empty")
    url = database_url(kind, STORAGE)
    with Session(get_engine(url)) as session:
        sources = list(session.scalars(select(SourceRow.id).order_by(SourceRow.id)))
    full_rate = insert_rate(url, sources, inserts, seed=2)
    store_rate = insert_rate(url, sources, inserts, seed=3, fingerprinted=True)
    result = {
        **loaded,
        "inserts": inserts,
        "insert_per_s_empty": empty_rate,
        "insert_per_s_full": full_rate,
        "insert_per_s_full_fingerprinted": store_rate,
        "latency": latencies(url, sources, queries),
        "size_mb": _size_mb(url, kind),
    }
    get_engine(url).dispose()
    return result


def _size_mb(url: str, kind: str) -> float:
    if kind == "sqlite":
        return (BENCH_DIR / f"{STORAGE}.db").stat().st_size / 2**20
    with get_engine(url).connect() as connection:
        size = connection.scalar(text("SELECT pg_database_size(current_database())"))
    return float(size or 0) / 2**20


def render(results: list[dict[str, Any]], command: str) -> str:
    by_db = {r["db"]: r for r in results}
    names = list(results[0]["latency"])
    header = " | ".join(f"{db} p50 / p95 (ms)" for db in by_db)
    lines = [
        "## Storage",
        "",
        f"Machine: {machine()}. Command: `{command}`. PostgreSQL 15 with default settings "
        "(shared_buffers 128 MB), SQLite 3.40 in WAL mode.",
        "",
        "| figure | " + " | ".join(by_db) + " |",
        "|---|" + "---|" * len(by_db),
        "| stored articles (bulk-loaded) | "
        + " | ".join(f"{r['rows']:,}" for r in by_db.values())
        + " |",
        "| bulk load, articles/s (URL, 42 buckets, search entry each) | "
        + " | ".join(f"{r['bulk_rows_per_s']:,.0f}" for r in by_db.values())
        + " |",
        "| save_article, articles/s, empty database | "
        + " | ".join(f"{r['insert_per_s_empty']:,.0f}" for r in by_db.values())
        + " |",
        "| save_article, articles/s, on the loaded database | "
        + " | ".join(f"{r['insert_per_s_full']:,.0f}" for r in by_db.values())
        + " |",
        "| save_article, articles/s, loaded database, fingerprint given (the crawl's case) | "
        + " | ".join(
            f"{r.get('insert_per_s_full_fingerprinted', float('nan')):,.0f}" for r in by_db.values()
        )
        + " |",
        "| database size (MB) | "
        + " | ".join(f"{r['size_mb']:,.0f}" for r in by_db.values())
        + " |",
        "",
        f"| query (newest 50) | {header} | rows | matches ({', '.join(by_db)}) |",
        "|---|" + "---|" * (len(by_db) + 2),
    ]
    for name in names:
        cells = " | ".join(
            f"{r['latency'][name]['p50_ms']:.1f} / {r['latency'][name]['p95_ms']:.1f}"
            for r in by_db.values()
        )
        shown = results[0]["latency"][name]
        matches = " / ".join(
            f"{r['latency'][name]['matches']:,}" if "matches" in r["latency"][name] else "-"
            for r in by_db.values()
        )
        lines.append(f"| {name} | {cells} | {shown['rows']} | {matches} |")
    if {"sqlite", "postgres"} <= set(by_db):
        ratio = by_db["sqlite"]["insert_per_s_full"] / by_db["postgres"]["insert_per_s_full"]
        lines += [
            "",
            f"save_article at scale: SQLite runs at {ratio:.2f}x PostgreSQL's rate "
            "(one writer; PostgreSQL also takes concurrent writers).",
        ]
    lines += [
        "",
        "save_article runs the whole store path per article (URL lookup, exact and LSH "
        "near-duplicate lookups, article, URLs, buckets, search entry, and the fingerprint "
        "except in the 'fingerprint given' row, where the fingerprint stage computed it before), "
        f"{results[0]['inserts']:,} full-length generated articles "
        "(~450 words, 10% near-duplicate variants) per measurement, wall clock. Bulk-loaded "
        "rows have short bodies (~150 words) to keep the load within minutes; feed latency does "
        "not depend on body length. Search latency includes counting the matches (up to "
        "5,000: storage.search.find_matches); `rows` is what one page returned, `matches` "
        "what the query matches in all. Latencies include loading ORM objects.",
        "",
        "Scale: "
        + "; ".join(f"{db} {r['rows']:,} stored articles" for db, r in by_db.items())
        + (
            "."
            if all(r["rows"] >= 1_000_000 for r in by_db.values())
            else " (**not 1M** where the figure is lower: see below)."
        ),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="articles to bulk-load")
    parser.add_argument("--inserts", type=int, default=2_000, help="save_article measurements")
    parser.add_argument("--queries", type=int, default=60, help="runs per feed query")
    parser.add_argument(
        "--db", default="sqlite,postgres", help="sqlite, postgres, sqlite,postgres or both"
    )
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--render", type=Path, help="only render the JSON lines of a past run")
    parser.add_argument(
        "--stage",
        choices=("all", "load", "measure"),
        default="all",
        help="load: bulk-load and keep the database; measure: measure a kept one, then drop it",
    )
    args = parser.parse_args()
    results = []
    if args.render:
        lines = args.render.read_text().splitlines()
        results = [json.loads(line) for line in lines if line.startswith('{"db"')]
    kinds = ["sqlite", "postgres"] if args.db == "both" else args.db.split(",")
    for kind in [] if args.render else kinds:
        if args.stage == "load":
            print(json.dumps(load_stage(kind, args.rows)), flush=True)
            continue
        if args.stage == "measure":
            result = measure_stage(kind, args.inserts, args.queries)
            drop_database(kind, STORAGE)
        else:
            result = run(kind, args.rows, args.inserts, args.queries)
        print(json.dumps(result), flush=True)
        results.append(result)
    if args.write:
        command = "python bench/storage.py " + " ".join(sys.argv[1:])
        if args.render:  # the figures come from an earlier run: name that command
            first = results[0]
            command = f"python bench/storage.py --rows {first['rows']} --inserts {first['inserts']}"
        write_section("Storage", render(results, command.strip()))
        print("updated docs/benchmarks.md")


if __name__ == "__main__":
    main()
