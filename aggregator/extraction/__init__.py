"""Article extraction: HTML + URL (+ source settings) in, a typed :class:`ExtractedArticle` out.

Pure: it knows nothing of Scrapy, the database or the web. See docs/extraction.md.
"""

from aggregator.extraction.article import DateValue, ExtractedArticle, Hints
from aggregator.extraction.extract import extract_article

__all__ = ["DateValue", "ExtractedArticle", "Hints", "extract_article"]
