"""Copies of a stored article: exact copies, and near duplicates through the LSH index.

The LSH index is the ``lsh_buckets`` table (:class:`LshBucket`, one row per band of each
article's signature), so several crawler processes or machines share one index. Candidates are
verified with the estimated Jaccard similarity and containment of their stored signatures
(:func:`aggregator.fingerprints.fingerprint.is_near_duplicate`). A near duplicate joins the
other copy's story (:func:`storage.stories.join_story`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from aggregator.fingerprints.fingerprint import (
    BANDS,
    MIN_EXACT_WORDS,
    Fingerprint,
    is_near_duplicate,
    jaccard,
    signature_from_bytes,
)
from storage.articles import Article
from storage.base import Base


class LshBucket(Base):
    """One band of an article's MinHash signature: the database-backed LSH index.

    Living in the database (not in a crawler's memory) lets several crawler machines share
    one near-duplicate index.
    """

    __tablename__ = "lsh_buckets"

    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_lsh_buckets_article", "article_id"),)


articles = cast(Table, Article.__table__)
buckets_table = cast(Table, LshBucket.__table__)

# Verify at most this many candidates (those sharing the most bands first): a story with
# hundreds of copies needs only its closest ones to be found.
MAX_CANDIDATES = 25
_INSERT_QMARK = "INSERT INTO lsh_buckets (band, bucket, article_id) VALUES (?, ?, ?)"
_INSERT_FORMAT = "INSERT INTO lsh_buckets (band, bucket, article_id) VALUES (%s, %s, %s)"


@dataclass(frozen=True)
class NearMatch:
    """A stored article that the new one nearly duplicates."""

    article_id: int
    similarity: float  # estimated Jaccard


def exact_copy(session: Session, fp: Fingerprint, *, paywalled: bool) -> Article | None:
    """The first stored article with the same folded body, when the body is long enough.

    Short bodies and paywall teasers are never merged: two different articles behind the same
    "subscribe to read" stub would otherwise become one.
    """
    if paywalled or fp.words < MIN_EXACT_WORDS:
        return None
    # Look up the id alone (a Core query, no ORM row loading): almost every article is new,
    # and the ORM loader cost more than the index probe.
    found = session.connection().scalar(_exact_query(), {"hash": fp.body_hash})
    return None if found is None else session.get(Article, found)


def near_match(
    session: Session, fp: Fingerprint, *, exclude: int | None = None
) -> NearMatch | None:
    """The most similar stored article that passes verification, if any."""
    if fp.signature is None:
        return None
    params: dict[str, object] = {f"k{band}": key for band, key in enumerate(fp.bands)}
    params["exclude"] = -1 if exclude is None else exclude
    ids = list(session.connection().scalars(_candidates_query(), params))
    if not ids:
        return None
    best: NearMatch | None = None
    rows = session.connection().execute(
        select(articles.c.id, articles.c.minhash, articles.c.extraction).where(
            articles.c.id.in_(ids)
        )
    )
    for article_id, blob, extraction in rows:
        if not blob:
            continue
        j = jaccard(fp.signature, signature_from_bytes(blob))
        size = int((extraction or {}).get("fingerprint", {}).get("shingles", 0))
        if not is_near_duplicate(j, fp.shingles, size):
            continue
        if best is None or j > best.similarity:
            best = NearMatch(article_id, j)
    return best


def same_text(article: Article, fp: Fingerprint) -> bool:
    """Whether ``fp`` is the stored article's text, exactly or as a verified near duplicate."""
    if article.body_hash == fp.body_hash:
        return True
    if fp.signature is None or not article.minhash:
        return False
    size = int((article.extraction or {}).get("fingerprint", {}).get("shingles", 0))
    j = jaccard(fp.signature, signature_from_bytes(article.minhash))
    return is_near_duplicate(j, fp.shingles, size)


@cache
def _candidates_query() -> Select[Any]:
    """Articles sharing a band key, most shared first; built once (84 bound parameters).

    Building this statement per article cost more CPU than running it. Each ``band = k AND
    bucket = :kN`` pair is a probe of the ``(band, bucket, article_id)`` primary key, so the
    query costs 42 index lookups whatever the size of the table. It is a Core statement on
    the table (run on the session's connection): no ORM compilation or autoflush per article.
    """
    buckets = buckets_table.c
    shared = func.count().label("shared")
    pairs = [
        and_(buckets.band == band, buckets.bucket == bindparam(f"k{band}")) for band in range(BANDS)
    ]
    return (
        select(buckets.article_id)
        .where(or_(*pairs), buckets.article_id != bindparam("exclude"))
        .group_by(buckets.article_id)
        .order_by(shared.desc(), buckets.article_id)
        .limit(MAX_CANDIDATES)
    )


@cache
def _exact_query() -> Select[Any]:
    """The first article with a body hash (``ix_articles_body_hash``); built once."""
    return (
        select(articles.c.id)
        .where(articles.c.body_hash == bindparam("hash"))
        .order_by(articles.c.id)
        .limit(1)
    )


def set_buckets(
    session: Session, article_id: int, fp: Fingerprint, *, replace: bool = True
) -> None:
    """Write an article's LSH buckets from ``fp`` (none when it is too short).

    ``replace`` first deletes the article's old buckets (a changed body); a new article has
    none, which saves a statement. The rows go in one executemany of a Core insert: the ORM
    bulk path cost several times the insert itself.
    """
    table = buckets_table
    connection = session.connection()
    if replace:
        connection.execute(delete(table).where(table.c.article_id == article_id))
    if fp.bands:
        # Plain DB-API executemany: the values need no type processing, and SQLAlchemy's
        # per-row parameter building cost more than SQLite's 42 index inserts.
        statement = _INSERT_QMARK if connection.dialect.paramstyle == "qmark" else _INSERT_FORMAT
        connection.exec_driver_sql(
            statement, [(band, key, article_id) for band, key in enumerate(fp.bands)]
        )
