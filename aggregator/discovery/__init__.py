"""Finding articles: pure readers of feeds, sitemaps, robots.txt, links and homepages.

Nothing here imports Scrapy: the spider, ``aggregator sources add/check`` and the tests call the
same functions on bytes. See docs/discovery.md.
"""
