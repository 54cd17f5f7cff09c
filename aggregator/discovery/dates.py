"""Machine-written dates of feeds and sitemaps, read only for the cut-off.

These dates decide whether an article is worth fetching, nothing more: the page's own date is
read later by extraction. So the reader is strict and cheap (W3C / ISO 8601 as sitemaps and
JSON Feed require) and returns None rather than guess.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_YEAR_MONTH = re.compile(r"^\d{4}-\d{2}$")


def parse_w3c(text: str | None) -> datetime | None:
    """``2024-03-01``, ``2024-03-01T09:30Z``, ``2024-03-01T09:30:00+04:00`` → aware UTC.

    A date without an offset is taken as UTC: the cut-off is counted in days, so a few hours
    do not matter, and guessing a zone would not be better.
    """
    if not text:
        return None
    text = text.strip()[:64]
    if _YEAR_MONTH.match(text):
        text += "-01"
    try:
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def too_old(published_at: datetime | None, max_age: timedelta | None, now: datetime) -> bool:
    """True when a dated entry is older than the source's cut-off (undated ones pass)."""
    if published_at is None or max_age is None:
        return False
    return published_at < now - max_age
