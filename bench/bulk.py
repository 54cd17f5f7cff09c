"""Bulk-load generated articles into a migrated database, bypassing save_article.

The storage benchmark needs a million stored articles in minutes; save_article (a few
hundred a second) would take over an hour. Rows are shaped as save_article writes them: the
article, its canonical URL, its 42 LSH buckets and its search entry (folded title and body).

What is skipped, and why it does not flatter the figures:

- no MinHash is computed: fingerprinting runs at ~700 bodies/s on one core, 25 minutes per
  million. Each article gets 42 *random* 16-byte bucket keys instead (seeded, reproducible),
  and ``minhash`` stays NULL. The ``lsh_buckets`` table therefore has its real size (42 rows
  per article) and the real B-tree depth for the candidate lookup; a new article's 42 probes
  find no candidates, as for most real articles (random keys never collide);
- bodies are short (~8 sentences, ~150 words) to keep the database size in check; feed
  queries do not read bodies, and search costs depend on the number of matches, not length;
- no story, revision or alias rows (the feed and search queries do not read them).

SQLite: DB-API executemany in transactions of :data:`COMMIT_EVERY` rows with
``synchronous=OFF`` and a 4 GB page cache during the load only (restored afterwards). LSH
rows go to an unindexed temporary table first and into ``lsh_buckets`` once, sorted by its
primary key, at the end: inserted as they come, 42 random keys per article dirty nearly
every page of a 1.5 GB index between two commits, and each commit rewrites them all to the
WAL (the load fell from 1,500 to under 300 articles/s on its way to a million).
PostgreSQL: ``COPY`` for every table, with foreign-key triggers off for the loading session
(``session_replication_role = replica``: the rows are consistent by construction) and the
LSH and search indexes built once at the end instead of row by row.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from corpus import documents
from sqlalchemy import Connection, text

from aggregator.fingerprints.fingerprint import BANDS
from aggregator.fingerprints.text import fold
from storage.db import get_engine

STATUSES = ["new"] * 16 + ["approved"] * 2 + ["rejected", "published"]
LANGUAGES = ["en"] * 6 + ["fr"] * 2 + ["ar"] * 2
NOW = datetime(2026, 11, 28, tzinfo=UTC)
CHUNK = 5_000
COMMIT_EVERY = 50_000
KEY = 16  # bytes of an LSH bucket key
# Indexes PostgreSQL builds in one pass after the load (names as in the migrations).
PG_DEFERRED = (
    (
        "ALTER TABLE lsh_buckets DROP CONSTRAINT pk_lsh_buckets",
        "ALTER TABLE lsh_buckets ADD CONSTRAINT pk_lsh_buckets "
        "PRIMARY KEY (band, bucket, article_id)",
    ),
    (
        "DROP INDEX ix_lsh_buckets_article",
        "CREATE INDEX ix_lsh_buckets_article ON lsh_buckets (article_id)",
    ),
    (
        "DROP INDEX ix_article_search_document",
        "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
    ),
)
# SQLite: staged LSH rows into their table in key order, then the index dropped for the load.
SQLITE_DEFERRED = (
    "INSERT INTO lsh_buckets (band, bucket, article_id) SELECT band, bucket, article_id "
    "FROM lsh_staging ORDER BY band, bucket, article_id",
    "DROP TABLE lsh_staging",
    "CREATE INDEX ix_lsh_buckets_article ON lsh_buckets (article_id)",
)
Log = Callable[[str], None]


def rows(
    n: int, sources: list[int], *, seed: int = 11, offset: int = 0
) -> Iterator[dict[str, Any]]:
    """Article rows for ids offset+1 .. offset+n (short bodies: ~8 sentences)."""
    rng = random.Random(seed)
    for i, doc in enumerate(documents(n, seed=seed, copies=0.0, sentences=8)):
        published = NOW - timedelta(seconds=rng.randrange(365 * 86400))
        keys = rng.randbytes(KEY * BANDS)
        yield {
            "id": offset + i + 1,
            "source_id": rng.choice(sources),
            "url": f"https://outlet{rng.randrange(50)}.example/{offset + i}",
            "title": doc.title,
            "body": doc.body,
            "body_hash": hashlib.sha256(doc.body.encode()).hexdigest(),
            "language": rng.choice(LANGUAGES),
            "status": rng.choice(STATUSES),
            "published_at": published,
            "sort_at": published,
            "fetched_at": published,
            "word_count": len(doc.body.split()),
            "buckets": [keys[b * KEY : (b + 1) * KEY] for b in range(BANDS)],
        }


def load(
    target: str | Connection,
    n: int,
    sources: list[int],
    *,
    offset: int = 0,
    log: Log = print,
) -> None:
    """Insert n generated articles with URLs, buckets and search entries, logging progress.

    ``target`` is a database URL (the fast path: own transactions, bulk settings, deferred
    indexes) or a connection whose open transaction takes the rows as they are (plain
    inserts and COPY, no commits: for callers that add rows of their own in the same
    transaction, such as bench/review.py).
    """
    if not isinstance(target, str):
        _load_in_transaction(target, n, sources, offset)
    elif get_engine(target).dialect.name == "sqlite":
        _load_sqlite(target, n, sources, offset, log)
    else:
        _load_postgres(target, n, sources, offset, log)


def _load_in_transaction(connection: Connection, n: int, sources: list[int], offset: int) -> None:
    raw: Any = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        for batch in _chunks(n, sources, offset):
            _insert_sqlite(raw, batch)
        return
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS staging (id integer, title text, body text) "
            "ON COMMIT DELETE ROWS"
        )
        for batch in _chunks(n, sources, offset):
            _copy_postgres(cursor, batch)
        cursor.execute("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))")


def _chunks(n: int, sources: list[int], offset: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows(n, sources, offset=offset):
        batch.append(row)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


class _Progress:
    """Logs the rows loaded and the rate every :data:`COMMIT_EVERY` rows."""

    def __init__(self, n: int, log: Log) -> None:
        self.n, self.log, self.done, self.start = n, log, 0, time.perf_counter()

    def add(self, count: int) -> bool:
        """Count ``count`` rows; True when a commit point is reached."""
        before = self.done
        self.done += count
        if self.done // COMMIT_EVERY == before // COMMIT_EVERY and self.done < self.n:
            return False
        rate = self.done / (time.perf_counter() - self.start)
        self.log(f"bulk: {self.done:,}/{self.n:,} rows, {rate:,.0f} rows/s")
        return True


ARTICLE_COLUMNS = (
    "id",
    "source_id",
    "url",
    "title",
    "body",
    "body_hash",
    "authors",
    "language",
    "published_at",
    "published_source",
    "published_precision",
    "tags",
    "word_count",
    "paywalled",
    "extraction",
    "fetched_at",
    "first_seen_at",
    "updated_at",
    "sort_at",
    "revision",
    "status",
    "starred",
)


def _article(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["id"],
        row["source_id"],
        row["url"],
        row["title"],
        row["body"],
        row["body_hash"],
        "[]",
        row["language"],
        row["published_at"],
        "meta",
        "minute",
        "[]",
        row["word_count"],
        False,
        "{}",
        row["fetched_at"],
        row["fetched_at"],
        row["fetched_at"],
        row["sort_at"],
        1,
        row["status"],
        False,
    )


def _load_sqlite(url: str, n: int, sources: list[int], offset: int, log: Log) -> None:
    engine = get_engine(url)
    raw = engine.raw_connection()
    try:
        db = raw.driver_connection
        assert db is not None
        # Bulk-load settings, for this connection and this load only.
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -4000000")  # 4 GB: the LSH index stays in memory
        db.execute("DROP INDEX ix_lsh_buckets_article")
        db.execute("CREATE TEMP TABLE lsh_staging (band INTEGER, bucket BLOB, article_id INTEGER)")
        progress = _Progress(n, log)
        for batch in _chunks(n, sources, offset):
            _insert_sqlite(db, batch, lsh_table="lsh_staging")
            if progress.add(len(batch)):
                db.commit()
        for statement in SQLITE_DEFERRED:
            start = time.perf_counter()
            db.execute(statement)
            db.commit()
            log(f"bulk: {statement.split(' SELECT ')[0]} in {time.perf_counter() - start:.0f} s")
        db.execute("PRAGMA synchronous = NORMAL")  # the engine's settings again
        db.execute("PRAGMA cache_size = -2000")
    finally:
        raw.close()


def _insert_sqlite(db: Any, batch: list[dict[str, Any]], lsh_table: str = "lsh_buckets") -> None:
    """One chunk through the sqlite3 connection ``db`` (executemany per table)."""
    marks = ", ".join("?" for _ in ARTICLE_COLUMNS)
    db.executemany(
        f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({marks})",
        [_naive(_article(r)) for r in batch],
    )
    db.executemany(
        "INSERT INTO article_urls (url, article_id, source_id, kind, first_seen_at) "
        "VALUES (?, ?, ?, 'canonical', ?)",
        [(r["url"], r["id"], r["source_id"], r["fetched_at"].replace(tzinfo=None)) for r in batch],
    )
    lsh = [(band, key, r["id"]) for r in batch for band, key in enumerate(r["buckets"])]
    if lsh_table == "lsh_buckets":
        lsh.sort()  # neighbouring keys share index pages (a staging table has no index)
    db.executemany(f"INSERT INTO {lsh_table} (band, bucket, article_id) VALUES (?, ?, ?)", lsh)
    db.executemany(
        "INSERT INTO article_search (rowid, title, body) VALUES (?, ?, ?)",
        [(r["id"], fold(r["title"]), fold(r["body"])) for r in batch],
    )


def _naive(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite stores UTC datetimes as naive ISO text (storage.base.UTCDateTime)."""
    return tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in values)


def _load_postgres(url: str, n: int, sources: list[int], offset: int, log: Log) -> None:
    engine = get_engine(url)
    with engine.begin() as connection:
        for drop, _create in PG_DEFERRED:
            connection.execute(text(drop))
    raw = engine.raw_connection()
    try:
        db = raw.driver_connection
        assert db is not None
        progress = _Progress(n, log)
        with db.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # no FK triggers
            cursor.execute(
                "CREATE TEMP TABLE staging (id integer, title text, body text) "
                "ON COMMIT DELETE ROWS"
            )
            for batch in _chunks(n, sources, offset):
                _copy_postgres(cursor, batch)
                if progress.add(len(batch)):
                    db.commit()
            db.commit()
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _drop, create in PG_DEFERRED:
                start = time.perf_counter()
                cursor.execute(create)
                db.commit()
                log(f"bulk: {create.split(' ON ')[0]} in {time.perf_counter() - start:.0f} s")
            cursor.execute("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))")
            db.commit()
    finally:
        raw.close()


def _copy_postgres(cursor: Any, batch: list[dict[str, Any]]) -> None:
    with cursor.copy(f"COPY articles ({', '.join(ARTICLE_COLUMNS)}) FROM STDIN") as copy:
        for r in batch:
            copy.write_row(_article(r))
    with cursor.copy(
        "COPY article_urls (url, article_id, source_id, kind, first_seen_at) FROM STDIN"
    ) as copy:
        for r in batch:
            copy.write_row((r["url"], r["id"], r["source_id"], "canonical", r["fetched_at"]))
    with cursor.copy("COPY lsh_buckets (band, bucket, article_id) FROM STDIN") as copy:
        for r in batch:
            for band, key in enumerate(r["buckets"]):
                copy.write_row((band, key, r["id"]))
    with cursor.copy("COPY staging (id, title, body) FROM STDIN") as copy:
        for r in batch:
            copy.write_row((r["id"], fold(r["title"]), fold(r["body"])))
    cursor.execute(
        "INSERT INTO article_search (article_id, document) SELECT id, "
        "setweight(to_tsvector('simple', title), 'A') || "
        "setweight(to_tsvector('simple', body), 'B') FROM staging"
    )
    cursor.execute("DELETE FROM staging")
