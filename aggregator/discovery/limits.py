"""How far the crawl follows listings: the one definition, used by ``sources check`` too.

A dry run (:mod:`aggregator.onboarding.check`) may sample fewer articles than a crawl fetches,
but it walks sitemaps by these rules, so what it reports is what the crawl would find.
"""

from __future__ import annotations

MAX_SITEMAP_DEPTH = 3  # index → index → urlset is as deep as real sites go
# Newest children followed per sitemap index; AGGREGATOR_MAX_CHILD_SITEMAPS overrides it.
MAX_CHILD_SITEMAPS = 50
TOO_DEEP = f"sitemap indexes nested deeper than {MAX_SITEMAP_DEPTH}"


def too_deep(depth: int) -> bool:
    """True when a sitemap at ``depth`` (the listing itself is 0) is past the limit."""
    return depth > MAX_SITEMAP_DEPTH
