"""Article extraction: HTML + URL (+ source settings) in, a typed :class:`ExtractedArticle` out.

Pure: it knows nothing of Scrapy, the database or the web. See docs/extraction.md.
``parse_date_string`` is the date-string reader the page code uses, exposed for scoring.

The names are loaded on first use (PEP 562): the crawl's main process imports
:mod:`aggregator.extraction.article` and :mod:`~aggregator.extraction.walls` only, and must
not pay for trafilatura, htmldate and dateparser, which only the extraction processes run.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aggregator.extraction.article import DateValue, ExtractedArticle, Hints
    from aggregator.extraction.dates import parse_date_string
    from aggregator.extraction.extract import extract_article

__all__ = ["DateValue", "ExtractedArticle", "Hints", "extract_article", "parse_date_string"]

_HOMES = {
    "DateValue": "aggregator.extraction.article",
    "ExtractedArticle": "aggregator.extraction.article",
    "Hints": "aggregator.extraction.article",
    "extract_article": "aggregator.extraction.extract",
    "parse_date_string": "aggregator.extraction.dates",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
