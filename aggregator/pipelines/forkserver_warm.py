"""Imported by the extract pool's forkserver only (a preload): extraction starts warm.

The first page an extraction process reads otherwise pays for loading the language model
(py3langid unpacks it, ~1 s), dateparser's and htmldate's tables and the MinHash permutations —
in every process, on the crawl's critical path. Reading one small page here, in the
forkserver, pays that once: the workers it forks inherit the loaded state.

A failure here must not take the forkserver down (the pool would then never start): the
workers would only be cold.
"""

from __future__ import annotations

import logging

from aggregator.pipelines.extract_task import extract_page

_PARAGRAPH = (
    "The city council approved on Tuesday evening a budget that plans the renovation of three "
    "schools in the city centre, a new bus line and a plan for cycle lanes, after a debate of "
    "more than four hours between the majority and the opposition."
)
SAMPLE = f"""<!doctype html><html lang="en"><head><title>Budget approved | The Gazette</title>
<meta property="article:published_time" content="2021-02-02T18:30:00+01:00">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Budget approved",
"datePublished": "2021-02-02T18:30:00+01:00", "author": {{"name": "Jane Doe"}}}}</script>
</head><body><nav><a href="/">Home</a></nav><article><h1>Budget approved</h1>
<p class="byline">By Jane Doe, 2 February 2021</p><p>{_PARAGRAPH}</p><p>{_PARAGRAPH} Two.</p>
<p>{_PARAGRAPH} Three.</p></article><footer>© The Gazette</footer></body></html>"""


def warm() -> None:
    """Extract and fingerprint one sample page, so every cache and lazy import is filled."""
    try:
        extract_page(SAMPLE.encode(), "text/html; charset=utf-8", "http://warm.invalid/a", None)
    except Exception:  # a cold worker is slower, not wrong
        logging.getLogger(__name__).warning("extraction warm-up failed", exc_info=True)


warm()
