"""htmldate's last resort, read in the page's languages instead of every locale dateparser has.

htmldate's extensive search hands each text segment that looks like a date ("© Cork's 96FM
2020. Powered by") to one dateparser parser built with no languages, so dateparser tries every
locale. Measured on the development machine: the first such call in a process loads every
locale's tables (1.4 s CPU, paid by each extraction process, which a crawl of a few hundred
pages feels as 4-7 ms an article), and each later one costs 15-30 ms; the same strings read in
the page's two or three languages cost under 1 ms, and "any language" misreads more
(:func:`aggregator.extraction.extract._date_languages` says the same of our own reading).

htmldate takes no parser as an argument: it asks ``htmldate.extractors.get_external_parser()``
for one. :func:`in_languages` stands in for that function while one guess runs, under a lock
(the swap is process-wide), and drops htmldate's per-string memo (``try_date_expr``) whenever
the languages change, so that a string read in one page's languages is never reused for a page
in others. ``tests/extraction/dates/test_htmldate_languages.py`` fails if htmldate stops asking.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import htmldate.extractors as _htmldate
from dateparser.date import DateDataParser

# htmldate's own settings for its parser (htmldate 1.11 ``get_external_parser``).
_SETTINGS = {
    "NORMALIZE": True,
    "PARSERS": ["custom-formats", "absolute-time"],
    "PREFER_DATES_FROM": "past",
    "PREFER_LOCALE_DATE_ORDER": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": True,
}
_LOCK = threading.Lock()
_memo_languages: list[tuple[str, ...] | None] = [None]  # the languages htmldate's memo holds


@lru_cache(maxsize=64)
def parser_for(languages: tuple[str, ...]) -> DateDataParser:
    """htmldate's parser, restricted to ``languages`` (dateparser codes, in order)."""
    return DateDataParser(languages=list(languages), settings=_SETTINGS)


@contextmanager
def in_languages(languages: tuple[str, ...] | None) -> Iterator[None]:
    """While the block runs, htmldate reads text dates in ``languages`` (None or empty: in
    every locale, as htmldate does by itself)."""
    key = tuple(languages or ())
    with _LOCK:
        if _memo_languages[0] != key:
            _htmldate.try_date_expr.cache_clear()
            _memo_languages[0] = key
        if not key:
            yield
            return
        original = _htmldate.get_external_parser
        parser = parser_for(key)
        _htmldate.get_external_parser = lambda: parser  # type: ignore[assignment]
        try:
            yield
        finally:
            _htmldate.get_external_parser = original
