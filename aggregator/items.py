"""Typed items that travel from the spider through the pipelines, and the one mapping from an
extracted item to what storage stores (:func:`record_from_item`)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from aggregator.extraction.article import ExtractedArticle, Hints
from aggregator.fingerprints.fingerprint import Fingerprint
from aggregator.stories.inputs import StoryInputs
from aggregator.urls import canonicalize_url
from storage.article_record import ArticleRecord
from storage.revisits import RevisitPolicy


@dataclass
class ArticleItem:
    """A fetched article page, filled in stage by stage.

    The spider sets the fetch fields; ``extract`` sets ``article`` (and, from the extraction
    process, ``fingerprint`` and ``story``); ``canonicalize`` sets ``canonical_url``;
    ``fingerprint`` sets ``fingerprint`` when still missing; ``store`` sets ``outcome``.
    """

    source: str
    url: str  # the URL we requested (after the feed's redirects, before canonicalization)
    response_url: str  # where the server finally answered
    # The page as fetched (bytes, decoded in the extraction process by ``content_type``) or
    # as text; emptied once extracted.
    html: str | bytes
    fetched_at: datetime
    status: int = 200
    hints: Hints = field(default_factory=Hints)
    discovered_via: str = "feed"  # feed | sitemap | links
    # What the fetch found wrong with the page (a lying charset); joins the article's warnings.
    fetch_warnings: list[str] = field(default_factory=list)
    content_type: str | None = None  # the answer's Content-Type header, for decoding ``html``
    article: ExtractedArticle | None = None
    canonical_url: str | None = None
    aliases: list[str] = field(default_factory=list)
    fingerprint: Fingerprint | None = None
    # The story features and attributions of the article's text (the extraction process
    # computes them with the fingerprint; storage computes them when absent).
    story: StoryInputs | None = None
    outcome: str | None = None  # stored | updated | unchanged | duplicate
    article_id: int | None = None
    # The page's validators (sent back on its revisits), the source's revisit schedule, and
    # whether this fetch is a revisit of a stored article.
    etag: str | None = None
    last_modified: str | None = None
    revisit: RevisitPolicy | None = None
    revisited: bool = False


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
        # The page's own rel=canonical / og:url, even on another site (storage keeps only a
        # same-site one as the URL): a copy pointing at the original credits it.
        "declared_canonical": article.canonical_url,
        # Inline links of the body to other sites: credits (storage.story_links).
        "body_links": [{"url": link.url, "anchor": link.anchor} for link in article.links],
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
        story=item.story,
        etag=item.etag,
        last_modified=item.last_modified,
        revisit=item.revisit,
        revisited=item.revisited,
    )
