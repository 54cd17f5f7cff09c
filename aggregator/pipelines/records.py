"""From a pipeline item to what storage stores: the record, and its source's row id."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.dedup.fingerprint import Fingerprint
from aggregator.items import ArticleItem
from aggregator.urls import canonicalize_url
from storage.batches import BatchWriter
from storage.records import ArticleRecord
from storage.sources import SourceRow, sync_source


def record_from_item(item: ArticleItem, source_id: int) -> ArticleRecord:
    """The ArticleRecord of an extracted, canonicalized, fingerprinted item."""
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
        source_id=source_id,
        url=item.canonical_url or canonicalize_url(item.response_url or item.url),
        fetched_at=fetched,
        body=article.body,
        title=article.title,
        aliases=tuple(item.aliases),
        description=article.description,
        authors=list(article.authors),
        language=article.language,
        language_declared=article.language_declared,
        published_at=published.value if published else None,
        published_offset=published.offset if published else None,
        published_source=published.origin if published else None,
        published_precision=published.precision if published else None,
        modified_at=modified.value if modified else None,
        modified_source=modified.origin if modified else None,
        top_image=article.top_image,
        site_name=article.site_name,
        section=article.section,
        tags=list(article.tags),
        word_count=article.word_count,
        paywalled=article.paywalled,
        extraction=extraction,
        fingerprint=item.minhash if isinstance(item.minhash, Fingerprint) else None,
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
