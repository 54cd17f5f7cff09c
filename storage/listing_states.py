"""Listing states: what each listing (a feed, sitemap or start page of a source) answered
when last fetched, so the next fetch can be conditional.

The crawler asks "what did this listing answer last time?" (its ETag / Last-Modified) before
it downloads it again: a 304 then costs no parsing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, utcnow

MAX_VALIDATOR = 1024


class ListingState(Base):
    """What the last fetch of a listing returned, for conditional requests."""

    # The table keeps its first name: listings were "feeds" then.
    __tablename__ = "feed_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_name: Mapped[str] = mapped_column(String(64), index=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None]
    checked_at: Mapped[datetime | None]
    changed_at: Mapped[datetime | None]
    entries: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class Validators:
    """What a server gave to recognise an unchanged listing."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


def get_validators(session: Session, url: str) -> Validators:
    """The validators stored for the listing at ``url`` (empty when none)."""
    state = session.scalar(select(ListingState).where(ListingState.url == url))
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
) -> ListingState:
    """Record the outcome of fetching a listing.

    A 304 keeps the stored validators and only updates when it was checked; any other answer
    replaces them, so a server that stops sending an ETag is not asked with a stale one.
    """
    now = checked_at or utcnow()
    state = session.scalar(select(ListingState).where(ListingState.url == url))
    if state is None:
        state = ListingState(url=url[:2048], source_name=source_name)
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
