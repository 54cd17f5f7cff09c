"""The article record that storage accepts, and its sanitation.

Storage takes plain fields, not the extraction result: the store pipeline, an import command
or a benchmark all build an :class:`ArticleRecord`. Everything in it came from a hostile page,
so :func:`clean_record` bounds sizes to the columns and removes NUL characters (PostgreSQL
refuses them in text) before anything is written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aggregator.dedup.fingerprint import Fingerprint
from aggregator.errors import StorageError

MAX_URL = 2048
MAX_BODY = 1_000_000
MAX_TEXT = 20_000  # title, description, image URL, section...
MAX_LIST = 50  # authors, tags
# Column widths of storage/articles.py.
WIDTHS = {
    "language": 8,
    "language_declared": 16,
    "published_offset": 6,
    "published_source": 16,
    "published_precision": 8,
    "modified_source": 16,
}


@dataclass(frozen=True)
class ArticleRecord:
    """An extracted article ready to store. ``url`` is canonical; datetimes are aware UTC."""

    source_id: int
    url: str
    fetched_at: datetime
    body: str
    title: str | None = None
    aliases: tuple[str, ...] = ()
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    language_declared: str | None = None
    published_at: datetime | None = None
    published_offset: str | None = None
    published_source: str | None = None  # where the date came from: jsonld, meta, feed...
    published_precision: str | None = None  # day | minute
    modified_at: datetime | None = None
    modified_source: str | None = None
    top_image: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    word_count: int = 0
    paywalled: bool = False
    extraction: dict[str, Any] = field(default_factory=dict)  # method, warnings, ...
    fingerprint: Fingerprint | None = None  # computed from the body when absent


def clean_record(record: ArticleRecord) -> ArticleRecord:
    """The record with bounded, NUL-free fields; raises StorageError for an unusable URL."""
    if not record.url.startswith(("http://", "https://")) or len(record.url) > MAX_URL:
        raise StorageError(
            f"could not save article {record.url[:200]!r}: not an http(s) URL "
            f"of at most {MAX_URL} characters"
        )
    if record.fetched_at.tzinfo is None:
        raise StorageError(f"could not save article {record.url}: fetched_at has no time zone")
    changes: dict[str, Any] = {
        "aliases": tuple(
            a
            for a in record.aliases
            if a and a.startswith(("http://", "https://")) and len(a) <= MAX_URL
        ),
        "body": _text(record.body, MAX_BODY) or "",
        "authors": [_text(a, 200) for a in record.authors[:MAX_LIST] if a],
        "tags": [_text(t, 200) for t in record.tags[:MAX_LIST] if t],
    }
    if len(record.body) > MAX_BODY:
        warnings = [*record.extraction.get("warnings", []), "body truncated for storage"]
        changes["extraction"] = {**record.extraction, "warnings": warnings}
    for name in ("title", "description", "top_image", "site_name", "section"):
        changes[name] = _text(getattr(record, name), MAX_TEXT)
    for name, width in WIDTHS.items():
        changes[name] = _text(getattr(record, name), width)
    return dataclasses.replace(record, **changes)


def _text(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    return value.replace("\x00", "")[:limit]
