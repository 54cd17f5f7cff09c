"""Bulk-load generated articles into a migrated database, bypassing save_article.

The storage benchmark needs a million stored articles in minutes; save_article (a few
hundred a second) would take hours. Rows are shaped as save_article writes them: the article,
its canonical URL, its LSH buckets (42 random keys: a bulk-loaded article matches nothing,
like most real ones) and its search entry (folded title and body). Signatures are left NULL:
verification only reads those of candidates, and random keys produce none.
SQLite: executemany in large transactions. PostgreSQL: COPY, then ``to_tsvector`` in SQL.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from corpus import documents
from sqlalchemy import Connection, text

from aggregator.dedup.fingerprint import BANDS
from aggregator.dedup.text import fold

STATUSES = ["new"] * 16 + ["approved"] * 2 + ["rejected", "published"]
LANGUAGES = ["en"] * 6 + ["fr"] * 2 + ["ar"] * 2
NOW = datetime(2026, 11, 28, tzinfo=UTC)
CHUNK = 5_000


def rows(
    n: int, sources: list[int], *, seed: int = 11, offset: int = 0
) -> Iterator[dict[str, Any]]:
    """Article rows for ids offset+1 .. offset+n (short bodies: ~8 sentences)."""
    rng = random.Random(seed)
    for i, doc in enumerate(documents(n, seed=seed, copies=0.0, sentences=8)):
        published = NOW - timedelta(seconds=rng.randrange(365 * 86400))
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
        }


def load(connection: Connection, n: int, sources: list[int], offset: int = 0) -> None:
    """Insert n generated articles with URLs, buckets and search entries."""
    dialect = connection.dialect.name
    batch: list[dict[str, Any]] = []
    for row in rows(n, sources, offset=offset):
        batch.append(row)
        if len(batch) >= CHUNK:
            (_load_sqlite if dialect == "sqlite" else _load_postgres)(connection, batch)
            batch = []
    if batch:
        (_load_sqlite if dialect == "sqlite" else _load_postgres)(connection, batch)
    if dialect == "postgresql":
        connection.execute(text("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))"))


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


def _buckets(row: dict[str, Any]) -> Iterator[tuple[int, bytes, int]]:
    seed = row["id"].to_bytes(8, "little")
    for band in range(BANDS):
        yield band, hashlib.blake2b(seed + bytes([band]), digest_size=16).digest(), row["id"]


def _load_sqlite(connection: Connection, batch: list[dict[str, Any]]) -> None:
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    marks = ", ".join("?" for _ in ARTICLE_COLUMNS)
    naive = [
        tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in _article(r))
        for r in batch
    ]
    cursor.executemany(
        f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({marks})", naive
    )
    cursor.executemany(
        "INSERT INTO article_urls (url, article_id, source_id, kind, first_seen_at) "
        "VALUES (?, ?, ?, 'canonical', ?)",
        [(r["url"], r["id"], r["source_id"], r["fetched_at"].replace(tzinfo=None)) for r in batch],
    )
    cursor.executemany(
        "INSERT INTO lsh_buckets (band, bucket, article_id) VALUES (?, ?, ?)",
        [b for r in batch for b in _buckets(r)],
    )
    cursor.executemany(
        "INSERT INTO article_search (rowid, title, body) VALUES (?, ?, ?)",
        [(r["id"], fold(r["title"]), fold(r["body"])) for r in batch],
    )


def _load_postgres(connection: Connection, batch: list[dict[str, Any]]) -> None:
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
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
                for bucket in _buckets(r):
                    copy.write_row(bucket)
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS staging "
            "(id integer, title text, body text) ON COMMIT DELETE ROWS"
        )
        with cursor.copy("COPY staging (id, title, body) FROM STDIN") as copy:
            for r in batch:
                copy.write_row((r["id"], fold(r["title"]), fold(r["body"])))
        cursor.execute(
            "INSERT INTO article_search (article_id, document) SELECT id, "
            "setweight(to_tsvector('simple', title), 'A') || "
            "setweight(to_tsvector('simple', body), 'B') FROM staging"
        )
        cursor.execute("DELETE FROM staging")
