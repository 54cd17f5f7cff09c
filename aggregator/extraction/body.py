"""The article body: the source's selector, else trafilatura, else a paragraph-density fallback.

trafilatura runs without comments and in its fast mode (no comparison with its own
readability and jusText passes): on the dev set that scores higher than its defaults (F1
0.965 against 0.958 for the whole of ``extract_article``) at ~1.6 times their speed, which
pays for our metadata and date work (docs/benchmarks.md). Precision mode scored 0.971 but
left the whole extraction 20% slower than bare trafilatura, the budget's limit; it is used
only when the fast pass returns a page of menus. When the fast pass finds nothing or too
little, the full recall mode and then :mod:`.fallback` get a chance, and the longest plausible
text wins; when it finds enough but only part of the article, :mod:`.completeness` catches it.
Paragraphs are separated by a blank line; counters, teaser lines and what :mod:`.boilerplate`
recognises are dropped.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from lxml.html import HtmlElement
from trafilatura import bare_extraction

from aggregator.errors import ExtractionError
from aggregator.extraction import selectors
from aggregator.extraction.article import MIN_ARTICLE_WORDS
from aggregator.extraction.boilerplate import clean_paragraphs
from aggregator.extraction.completeness import more_complete, split_article
from aggregator.extraction.fallback import paragraph_density_body

SHORT_WORDS = 100  # a fast-pass body under this is checked against trafilatura's full mode
MENU_PARAGRAPHS = 20
# Lines pointing to other pages ("READ MORE: ...", "À lire aussi"): never article prose.
TEASERS = (
    "related:", "read more:", "see more:", "don't miss", "also read", "read also", "click here",
    "sign up for", "subscribe to our", "follow us on", "lire aussi", "à lire aussi",
    "a lire aussi", "voir aussi", "lea también", "leer más", "lesen sie auch", "mehr zum thema",
    "اقرأ أيضا", "اقرأ أيضاً", "اقرأ ايضا", "شاهد أيضا",
)  # fmt: skip
MAX_TEASER_WORDS = 30  # below this, trafilatura probably missed the article (or it is a brief)
_COUNTER = re.compile(r"^[\d\s.,:/%+()kKmM-]*$")  # "185", "1.2K", "12 / 40": counters, pagers
_WORD = re.compile(r"\w+")
# Scripts written without spaces between words: a \w+ token there is a whole sentence. Chinese
# and Japanese words average about 1.5 characters; Thai, Lao, Khmer and Burmese ones about 4.
_HAN_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SOUTHEAST_ASIAN = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                       r"\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")  # fmt: skip
CHARS_PER_WORD = {"han_kana": 1.5, "southeast_asian": 4.0}


@dataclass
class Body:
    """The body text and how it was obtained."""

    text: str
    method: str  # selector | trafilatura | fallback
    warnings: list[str] = field(default_factory=list)


def find_body(
    tree: HtmlElement,
    url: str,
    selector: str | None,
    title: str | None = None,
    article_body: str | None = None,
    description: str | None = None,
) -> Body:
    """The best body we can get from the page; empty text when there is none.

    ``article_body`` is the page's JSON-LD ``articleBody``, used when trafilatura's text is a
    truncated part of it. What is not the article (the headline again, link-only lines, lists
    after "Related", a standfirst repeating the ``description``) is dropped from heuristic
    bodies (:mod:`.boilerplate`).
    """
    body = _find_body(tree, url, selector, article_body)
    if body.method != "selector":
        body.text = clean_paragraphs(body.text, tree, title, description)
    return body


def _find_body(tree: HtmlElement, url: str, selector: str | None, article_body: str | None) -> Body:
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
    text = _trafilatura(tree, url, fast=True)
    if looks_like_menus(text):
        # The fast pass took a page of menus: the full pass compares with readability/jusText.
        text = _trafilatura(tree, url, favor_precision=True) or text
    words = word_count(text)
    if words >= MIN_ARTICLE_WORDS:
        fuller = _more_complete(tree, url, text, words, article_body)
        if fuller:
            notes.append(f"trafilatura kept {words} words of a longer article")
            return Body(fuller, "fallback", notes)
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


def _more_complete(
    tree: HtmlElement, url: str, text: str, words: int, article_body: str | None
) -> str:
    """A fuller body than the fast pass's (see :mod:`.completeness`), or ""."""
    chunks, paragraph_chars = split_article(tree)
    split = tidy(chunks)
    if split and more_complete(split, text):
        return split
    whole = tidy(article_body or "")
    if whole and more_complete(whole, text):
        return whole
    if words < SHORT_WORDS and paragraph_chars > len(text) * 1.3:
        full = _trafilatura(tree, url)
        if more_complete(full, text):
            return full
    return ""


def _trafilatura(
    tree: HtmlElement,
    url: str,
    *,
    fast: bool = False,
    favor_precision: bool = False,
    favor_recall: bool = False,
) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document = bare_extraction(
            tree,
            url=url,
            include_comments=False,
            with_metadata=False,
            favor_precision=favor_precision,
            favor_recall=favor_recall,
            fast=fast,
        )
    text = getattr(document, "text", None) if document is not None else None
    return tidy(text or "")


def looks_like_menus(text: str) -> bool:
    """Many paragraphs, most of them one to three words: navigation, not an article."""
    paragraphs = text.split("\n\n")
    if len(paragraphs) < MENU_PARAGRAPHS:
        return False
    short = sum(1 for p in paragraphs if len(_WORD.findall(p)) <= 3)
    return short > len(paragraphs) / 2


def tidy(text: str) -> str:
    """One paragraph per line block, blank lines between; counters and teaser lines dropped."""
    paragraphs = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(p for p in paragraphs if p and not _is_noise(p))


def _is_noise(paragraph: str) -> bool:
    if _COUNTER.match(paragraph):
        return True
    return paragraph.casefold().startswith(TEASERS) and len(paragraph.split()) <= MAX_TEASER_WORDS


def word_count(text: str) -> int:
    """Words in a way that fits the script: ``\\w+`` tokens, characters in unspaced scripts.

    Spaced scripts count as the benchmark does (``\\w+`` tokens). In Chinese, Japanese, Thai,
    Lao, Khmer and Burmese a token is a clause, so their characters count instead, divided by
    the script's average word length (:data:`CHARS_PER_WORD`); every floor (``MIN_ARTICLE_WORDS``,
    walls, the stored ``word_count``) then means the same amount of text in every language.
    """
    if not _UNSPACED.search(text):
        return len(_WORD.findall(text))
    spaced = sum(1 for token in _WORD.findall(text) if not _UNSPACED.search(token))
    han_kana = len(_HAN_KANA.findall(text)) / CHARS_PER_WORD["han_kana"]
    southeast = len(_SOUTHEAST_ASIAN.findall(text)) / CHARS_PER_WORD["southeast_asian"]
    return spaced + round(han_kana + southeast)
