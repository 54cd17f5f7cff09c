"""What one extraction process does with a fetched page: decode, extract, fingerprint.

The crawl's main process runs the reactor: every page's CPU there delays downloads and storing.
So the page crosses to the pool once, as the bytes Scrapy received (no decoding, no second
copy as text), and comes back as only what the later stages need: the extracted article and,
for an article that will be stored, its fingerprint and its story inputs (features and
attributions, :mod:`aggregator.stories.inputs`), every pure function of the text that storage
would otherwise run on the main process. Fingerprinting here also keeps numpy out of it.

The main process imports this module too (to name the task it submits, and to unpickle the
results): the extraction code is imported inside :func:`extract_page`, so only the
extraction processes load trafilatura, htmldate, dateparser and the language model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from aggregator.extraction.article import ExtractedArticle, Hints, rejection
from aggregator.fingerprints.fingerprint import Fingerprint, fingerprint
from aggregator.stories.inputs import StoryInputs, story_inputs

if TYPE_CHECKING:
    from aggregator.config.sources import Source


@dataclass(frozen=True)
class PageResult:
    """An extracted page; ``fingerprint`` and ``story`` are None when the article will not
    be stored."""

    article: ExtractedArticle
    fingerprint: Fingerprint | None
    story: StoryInputs | None = None


def extract_page(
    html: str | bytes,
    content_type: str | None,
    url: str,
    source: Source | None,
    *,
    fetched_at: datetime | None = None,
    hints: Hints | None = None,
    stories: bool = True,
) -> PageResult:
    """Decode a fetched page (bytes, by its Content-Type), extract it, fingerprint it and
    compute its story inputs (unless ``stories`` is off: the crawl links no stories).

    A page whose declared charset lies carries the charset warning first among its warnings.
    """
    from aggregator.extraction.charset import decode_page
    from aggregator.extraction.extract import extract_article

    warning = None
    if isinstance(html, bytes):
        page = decode_page(html, content_type)
        html, warning = page.text, page.warning
    article = extract_article(html, url, source, fetched_at=fetched_at, hints=hints)
    if warning:
        article = replace(article, warnings=[warning, *article.warnings])
    if rejection(article) is not None:
        return PageResult(article, None)
    story = story_inputs(article.title, article.body) if stories else None
    return PageResult(article, fingerprint(article.body), story)
