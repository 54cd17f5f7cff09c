"""The article record that storage accepts, and its sanitation.

Storage takes plain fields, not the extraction result: the store pipeline, an import command
or a benchmark all build an :class:`ArticleRecord`. Its fields are the ``articles`` columns of
the same name (:data:`COLUMNS`) plus the article's other URLs and its fingerprint, so a new
stored field is declared here and on :class:`~storage.articles.Article`, and ``save_article``
copies it. Everything in it came from a hostile page, so :func:`clean_record` bounds sizes to
the columns (widths read from the table) and removes NUL characters (PostgreSQL refuses them
in text) before anything is written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import String, Table

from aggregator.errors import StorageError
from aggregator.fingerprints.fingerprint import Fingerprint
from aggregator.stories.inputs import StoryInputs
from storage.articles import Article
from storage.revisits import RevisitPolicy

MAX_BODY = 1_000_000
MAX_TEXT = 20_000  # text columns without a width: title, description, image URL, section...
MAX_LIST = 50  # authors, tags
MAX_ITEM = 200  # one author or tag


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
    etag: str | None = None  # the page's validators, sent back on its revisits
    last_modified: str | None = None
    fingerprint: Fingerprint | None = None  # computed from the body when absent
    revisit: RevisitPolicy | None = None  # the source's schedule (None: never revisited)
    revisited: bool = False  # this fetch is a revisit of the stored article
    # Story features and attributions of this title and body, when computed with extraction
    # (computed from the stored text when absent, or when cleaning changed the text).
    story: StoryInputs | None = None


# The fields that are not ``articles`` columns; every other field is the column of its name.
NOT_COLUMNS = ("aliases", "fingerprint", "revisit", "revisited", "story")
COLUMNS = tuple(f.name for f in dataclasses.fields(ArticleRecord) if f.name not in NOT_COLUMNS)
_ARTICLES = cast(Table, Article.__table__)


def _width(name: str) -> int:
    """The width of a string column of ``articles``; MAX_TEXT for a text column."""
    return cast(String, _ARTICLES.c[name].type).length or MAX_TEXT


# ``url`` is refused when too long (``article_urls.url`` is as wide) and ``body`` truncated
# with a warning; every other string column is cut to its width.
MAX_URL = _width("url")
_BOUNDS = {
    name: _width(name)
    for name in COLUMNS
    if isinstance(_ARTICLES.c[name].type, String) and name not in ("url", "body")
}


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
        "authors": [_text(a, MAX_ITEM) for a in record.authors[:MAX_LIST] if a],
        "tags": [_text(t, MAX_ITEM) for t in record.tags[:MAX_LIST] if t],
    }
    if len(record.body) > MAX_BODY:
        warnings = [*record.extraction.get("warnings", []), "body truncated for storage"]
        changes["extraction"] = {**record.extraction, "warnings": warnings}
    for name, limit in _BOUNDS.items():
        changes[name] = _text(getattr(record, name), limit)
    if changes["body"] != record.body or changes.get("title", record.title) != record.title:
        changes["story"] = None  # computed from another text: storage computes them again
    return dataclasses.replace(record, **changes)


def _text(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    return value.replace("\x00", "")[:limit]
