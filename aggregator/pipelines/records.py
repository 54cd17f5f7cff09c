"""From a pipeline item to what storage stores: the record, and its source's row id."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.extraction.article import ExtractedArticle
from aggregator.items import ArticleItem
from aggregator.urls import canonicalize_url
from storage.article_record import ArticleRecord
from storage.batches import BatchWriter
from storage.sources import SourceRow, sync_source

# ExtractedArticle fields that are ArticleRecord fields of the same name and meaning (``url``
# is not: the record's is the canonical URL).
_SAME_NAME = tuple(
    name
    for name in (f.name for f in fields(ExtractedArticle))
    if name in {f.name for f in fields(ArticleRecord)} and name != "url"
)


def record_from_item(item: ArticleItem, source_id: int) -> ArticleRecord:
    """The ArticleRecord of an extracted, canonicalized, fingerprinted item.

    The article's fields that are record fields of the same name are copied by name; the
    dates are split from their DateValue, and the URL is the item's canonical one.
    """
    article = item.article
    if article is None:
        raise ValueError(f"item {item.response_url} reached storage without an article")
    fetched = item.fetched_at if item.fetched_at.tzinfo else item.fetched_at.replace(tzinfo=UTC)
    published, modified = article.published, article.modified
    extraction: dict[str, Any] = {
        "method": article.method,
        "warnings": list(article.warnings),
        "language_detected": article.language_detected,
        "discovered_via": item.discovered_via,
        "response_url": item.response_url,
    }
    return ArticleRecord(
        **{name: getattr(article, name) for name in _SAME_NAME},
        source_id=source_id,
        url=item.canonical_url or canonicalize_url(item.response_url or item.url),
        fetched_at=fetched,
        aliases=tuple(item.aliases),
        published_at=published.value if published else None,
        published_offset=published.offset if published else None,
        published_source=published.origin if published else None,
        published_precision=published.precision if published else None,
        modified_at=modified.value if modified else None,
        modified_source=modified.origin if modified else None,
        extraction=extraction,
        fingerprint=item.fingerprint,
    )


class SourceIds:
    """Source name → ``sources`` row id, synced from the sources file; writer thread only."""

    def __init__(self, writer: BatchWriter) -> None:
        self.writer = writer
        self.ids: dict[str, int] = {}

    def sync(self, sources: list[Any]) -> None:
        """Insert or update the rows of the crawl's sources (Source objects)."""
        if sources:
            self.ids.update(self.writer.run(lambda s: _sync_all(s, sources)))

    def id_for(self, item: ArticleItem) -> int:
        """The row id of the item's source, creating a minimal row for an unknown one."""
        if item.source not in self.ids:
            self.ids[item.source] = self.writer.run(lambda s: _find_or_create(s, item))
        return self.ids[item.source]


def _sync_all(session: Session, sources: list[Any]) -> dict[str, int]:
    ids = {}
    for source in sources:
        row = sync_source(
            session,
            source.name,
            label=source.label,
            homepage=str(source.homepage),
            languages=list(source.languages),
            timezone=source.timezone,
            enabled=source.enabled,
            schedule=source.schedule.describe() if source.schedule else None,
            config=source.model_dump(mode="json"),
        )
        ids[source.name] = row.id
    return ids


def _find_or_create(session: Session, item: ArticleItem) -> int:
    row_id = session.scalar(select(SourceRow.id).where(SourceRow.name == item.source))
    if row_id is not None:
        return row_id
    # Not in the sources file the crawl was given (e.g. a test crawl): keep the article and
    # record what we know; the next sync with the sources file fills in the rest.
    parts = urlsplit(item.response_url or item.url)
    language = item.article.language if item.article else None
    row = sync_source(
        session,
        item.source,
        label=None,
        homepage=f"{parts.scheme}://{parts.netloc}/",
        languages=[language] if language else [],
        timezone="UTC",
        enabled=True,
        schedule=None,
        config={},
    )
    return row.id
