"""Queries behind incremental crawling: feed validators and the URLs already stored.

The crawler asks two questions before it downloads anything: "what did this feed answer last
time?" (its ETag / Last-Modified, for a conditional request) and "which of these article URLs
do we already have?". Both are answered here, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.articles import ArticleUrl
from storage.base import utcnow
from storage.runs import FeedState

# Keeps each IN (...) list well under SQLite's bound-parameter limit.
BATCH = 500
MAX_VALIDATOR = 1024


@dataclass(frozen=True)
class Validators:
    """What a server gave to recognise an unchanged feed or sitemap."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


def get_validators(session: Session, url: str) -> Validators:
    """The validators stored for the feed or sitemap at ``url`` (empty when none)."""
    state = session.scalar(select(FeedState).where(FeedState.url == url))
    if state is None:
        return Validators()
    return Validators(state.etag, state.last_modified)


def save_validators(
    session: Session,
    url: str,
    source_name: str,
    validators: Validators,
    *,
    status: int = 200,
    entries: int | None = None,
    checked_at: datetime | None = None,
) -> FeedState:
    """Record the outcome of fetching a feed or sitemap.

    A 304 keeps the stored validators and only updates when it was checked; any other answer
    replaces them, so a server that stops sending an ETag is not asked with a stale one.
    """
    now = checked_at or utcnow()
    state = session.scalar(select(FeedState).where(FeedState.url == url))
    if state is None:
        state = FeedState(url=url[:2048], source_name=source_name)
        session.add(state)
    state.source_name = source_name
    state.last_status = status
    state.checked_at = now
    if status != 304:
        changed = (state.etag, state.last_modified) != (validators.etag, validators.last_modified)
        state.etag = _bounded(validators.etag)
        state.last_modified = _bounded(validators.last_modified)
        if changed or state.changed_at is None:
            state.changed_at = now
    if entries is not None:
        state.entries = entries
    session.flush()
    return state


def _bounded(value: str | None) -> str | None:
    # Validators come from the outlet: hostile input, so bounded before storage.
    return value[:MAX_VALIDATOR] if value else None


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """The subset of ``urls`` already recorded in ``article_urls`` (exact match)."""
    wanted = list(dict.fromkeys(u for u in urls if u))
    found: set[str] = set()
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        found.update(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(batch))))
    return found
