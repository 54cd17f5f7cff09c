"""From a pipeline item to what storage stores: its record."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from aggregator.dedup.fingerprint import Fingerprint
from aggregator.items import ArticleItem
from aggregator.urls import canonicalize_url
from storage.records import ArticleRecord


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
