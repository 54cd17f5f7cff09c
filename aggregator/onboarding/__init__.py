"""Adding and checking a source outside a crawl: ``aggregator sources add`` and ``sources check``.

These fetch a handful of pages with the standard library (:mod:`~aggregator.onboarding.http`),
find a site's feeds and sitemaps (:mod:`~aggregator.onboarding.autodiscover`), dry-run a source
(:mod:`~aggregator.onboarding.check`) and append entries to the sources file
(:mod:`~aggregator.onboarding.entry`). They parse with :mod:`aggregator.discovery` and extract
with :mod:`aggregator.extraction`, like the crawl, but never import Scrapy or Twisted.
"""
