"""Scrapy extensions: the run recorder and live progress (listed in ``EXTENSIONS``)."""
