"""Article extraction: HTML + URL (+ source settings) in, a typed :class:`ExtractedArticle` out.

Pure: it knows nothing of Scrapy, the database or the web. See docs/extraction.md.
``parse_date_string`` is the date-string reader the page code uses, exposed for scoring.
"""

from aggregator.extraction.article import DateValue, ExtractedArticle, Hints
from aggregator.extraction.dates import parse_date_string
from aggregator.extraction.extract import extract_article

__all__ = ["DateValue", "ExtractedArticle", "Hints", "extract_article", "parse_date_string"]
