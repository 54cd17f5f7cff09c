"""Crawling at scale: long-lived crawl workers and the queue of runs that feeds them.

:mod:`aggregator.fleet.broker` is the queue (Redis Streams, no Scrapy: the scheduler and the
CLI use it); :mod:`aggregator.fleet.worker` is ``aggregator worker``, the crawler process that
takes runs from it. See docs/fleet.md.
"""
