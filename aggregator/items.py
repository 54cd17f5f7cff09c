"""Typed items that travel from the spider through the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aggregator.extraction.article import ExtractedArticle, Hints
from aggregator.fingerprints.fingerprint import Fingerprint


@dataclass
class ArticleItem:
    """A fetched article page, filled in stage by stage.

    The spider sets the fetch fields; ``extract`` sets ``article``; ``canonicalize`` sets
    ``canonical_url``; ``fingerprint`` sets ``fingerprint``; ``store`` sets ``outcome``.
    """

    source: str
    url: str  # the URL we requested (after the feed's redirects, before canonicalization)
    response_url: str  # where the server finally answered
    html: str
    fetched_at: datetime
    status: int = 200
    hints: Hints = field(default_factory=Hints)
    discovered_via: str = "feed"  # feed | sitemap | links
    article: ExtractedArticle | None = None
    canonical_url: str | None = None
    aliases: list[str] = field(default_factory=list)
    fingerprint: Fingerprint | None = None
    outcome: str | None = None  # stored | updated | unchanged | duplicate
    article_id: int | None = None
