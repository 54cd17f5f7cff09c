"""Downloader middlewares of the news crawl (enabled in ``aggregator/settings.py``)."""
