"""Duplicate lookups in the database: exact copies, LSH near-duplicate candidates, stories.

The LSH index is the ``lsh_buckets`` table (one row per band of each article's signature), so
several crawler processes or machines share one index. Candidates are verified with the
estimated Jaccard similarity and containment of their stored signatures
(:func:`aggregator.dedup.fingerprint.is_near_duplicate`); the earliest copy of a story is its
origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from aggregator.dedup.fingerprint import (
    BANDS,
    MIN_EXACT_WORDS,
    Fingerprint,
    is_near_duplicate,
    jaccard,
    signature_from_bytes,
)
from storage.articles import Article
from storage.base import utcnow
from storage.stories import LshBucket, Story

# Verify at most this many candidates (those sharing the most bands first): a story with
# hundreds of copies needs only its closest ones to be found.
MAX_CANDIDATES = 25


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
    return session.scalars(
        select(Article).where(Article.body_hash == fp.body_hash).order_by(Article.id).limit(1)
    ).first()


def near_match(
    session: Session, fp: Fingerprint, *, exclude: int | None = None
) -> NearMatch | None:
    """The most similar stored article that passes verification, if any."""
    if fp.signature is None:
        return None
    params: dict[str, object] = {f"k{band}": key for band, key in enumerate(fp.bands)}
    params["exclude"] = -1 if exclude is None else exclude
    ids = [row.article_id for row in session.execute(_candidates_query(), params)]
    if not ids:
        return None
    best: NearMatch | None = None
    rows = session.execute(
        select(Article.id, Article.minhash, Article.extraction).where(Article.id.in_(ids))
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
def _candidates_query() -> Select[Any, Any]:
    """Articles sharing a band key, most shared first; built once (84 bound parameters).

    Building this statement per article cost more CPU than running it.
    """
    shared = func.count().label("shared")
    pairs = [
        and_(LshBucket.band == band, LshBucket.bucket == bindparam(f"k{band}"))
        for band in range(BANDS)
    ]
    return (
        select(LshBucket.article_id, shared)
        .where(or_(*pairs), LshBucket.article_id != bindparam("exclude"))
        .group_by(LshBucket.article_id)
        .order_by(shared.desc(), LshBucket.article_id)
        .limit(MAX_CANDIDATES)
    )


def set_buckets(session: Session, article_id: int, fp: Fingerprint) -> None:
    """Replace an article's LSH buckets with those of ``fp`` (none when it is too short)."""
    session.execute(delete(LshBucket).where(LshBucket.article_id == article_id))
    if fp.bands:
        session.execute(
            insert(LshBucket),
            [
                {"band": band, "bucket": key, "article_id": article_id}
                for band, key in enumerate(fp.bands)
            ],
        )


def join_story(session: Session, article: Article, match: Article) -> Story:
    """Put ``article`` in ``match``'s story (created when ``match`` had none).

    The origin is the earliest copy by publication time (first-seen time when a copy has no
    date), so a wire story crawled after its syndicated copies still becomes the origin.
    """
    now = utcnow()
    story = session.get(Story, match.story_id) if match.story_id else None
    if story is None:
        origin = earliest(match, article)
        story = Story(
            origin_article_id=origin.id,
            title=origin.title,
            article_count=1,
            created_at=now,
            updated_at=now,
        )
        session.add(story)
        session.flush()
        match.story_id = story.id
    article.story_id = story.id
    story.article_count = (story.article_count or 1) + 1
    story.updated_at = now
    origin_row = session.get(Article, story.origin_article_id) if story.origin_article_id else None
    if origin_row is None or earliest(origin_row, article) is article:
        story.origin_article_id = article.id
        story.title = article.title
    return story


def earliest(a: Article, b: Article) -> Article:
    """The copy that came first: by publication time, else first-seen time, else id."""
    return min((a, b), key=_appearance)


def _appearance(article: Article) -> tuple[datetime, int]:
    when = article.published_at or article.first_seen_at or utcnow()
    return when, article.id or 0
