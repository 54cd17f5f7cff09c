"""The article body: the source's selector, else trafilatura, else a paragraph-density fallback.

trafilatura is run in precision mode without comments, which scores best on news pages (see
docs/benchmarks.md). When it finds nothing or too little, recall mode and then
:mod:`.fallback` get a chance, and the longest plausible text wins. Paragraphs are separated by
a blank line; lines that are only numbers (view and share counters) are dropped.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from lxml.html import HtmlElement
from trafilatura import bare_extraction

from aggregator.errors import ExtractionError
from aggregator.extraction import selectors
from aggregator.extraction.fallback import paragraph_density_body

MIN_WORDS = 40  # below this, trafilatura probably missed the article (or it is a brief)
_COUNTER = re.compile(r"^[\d\s.,:/%+()kKmM-]*$")  # "185", "1.2K", "12 / 40": counters, pagers
_WORD = re.compile(r"\w+")


@dataclass
class Body:
    """The body text and how it was obtained."""

    text: str
    method: str  # selector | trafilatura | fallback
    warnings: list[str] = field(default_factory=list)


def find_body(tree: HtmlElement, url: str, selector: str | None, title: str | None = None) -> Body:
    """The best body we can get from the page; empty text when there is none.

    A first paragraph repeating the headline is dropped: the title is its own field.
    """
    body = _find_body(tree, url, selector)
    head, _, rest = body.text.partition("\n\n")
    if title and rest and _key(head) == _key(title):
        body.text = rest
    return body


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _find_body(tree: HtmlElement, url: str, selector: str | None) -> Body:
    notes: list[str] = []
    if selector:
        try:
            matches = [m for m in selectors.select(tree, selector) if not isinstance(m, str)]
        except ExtractionError as exc:
            matches = []
            notes.append(f"selectors.body ignored: {exc}")
        text = tidy("\n\n".join(selectors.block_text(m) for m in matches))
        if text:
            return Body(text, "selector", notes)
        notes.append(f"selectors.body {selector!r} matched no text; used heuristics")
    text = _trafilatura(tree, url, favor_precision=True)
    if word_count(text) >= MIN_WORDS:
        return Body(text, "trafilatura", notes)
    candidates = [
        _trafilatura(tree, url, favor_recall=True),
        tidy(paragraph_density_body(tree)),
    ]
    best = max(candidates, key=word_count)
    if word_count(best) > word_count(text) * 1.2:
        notes.append(f"trafilatura found {word_count(text)} words; used the fallback")
        return Body(best, "fallback", notes)
    return Body(text, "trafilatura", notes)


def _trafilatura(tree: HtmlElement, url: str, **options: bool) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document = bare_extraction(
            tree, url=url, include_comments=False, with_metadata=False, **options
        )
    text = getattr(document, "text", None) if document is not None else None
    return tidy(text or "")


def tidy(text: str) -> str:
    """One paragraph per line block, blank lines between, counters and blank lines dropped."""
    paragraphs = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(p for p in paragraphs if p and not _COUNTER.match(p))


def word_count(text: str) -> int:
    """Words as the benchmark counts them (``\\w+`` tokens)."""
    return len(_WORD.findall(text))
