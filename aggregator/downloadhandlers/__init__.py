"""Scrapy download handlers: HTTP(S) with the network policy (``DOWNLOAD_HANDLERS``)."""
