"""Finding articles: pure readers of feeds, sitemaps, robots.txt, links and homepages.

Nothing here fetches, writes or imports Scrapy: the spider, ``aggregator sources add/check``
(:mod:`aggregator.onboarding`) and the tests call the same functions on bytes. The listing
limits both follow are in :mod:`aggregator.discovery.limits`. See docs/discovery.md.
"""
