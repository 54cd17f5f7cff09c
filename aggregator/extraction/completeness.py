"""Is trafilatura's body the whole article? Cheap checks against what else the page says.

trafilatura's fast mode sometimes returns only part of an article with plenty of words, so
the "fewer than 40 words" fallback never runs. Three signs, cheapest first:

- the article is split over several containers of the same class (one per chunk between ads,
  as React news sites render it) and trafilatura kept only the first;
- the page's JSON-LD ``articleBody`` is much longer and contains what we found;
- a short result (a few paragraphs over the floor) on a page with much more paragraph text:
  trafilatura's full mode finds more (it costs a second pass, so only then).

A candidate replaces the fast text only when it is clearly longer *and* contains most of it,
so a sidebar or comment thread that happens to be longer never wins.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml.html import HtmlElement

MIN_GAIN = 1.3  # a candidate must be this much longer (characters) to be considered
MIN_CONTAINED = 0.8  # share of the fast text's 4-word shingles the candidate must hold
MAX_CHUNKS = 8  # more containers of one class are a list of teasers, not an article
# Classes of repeated containers that are never the article's chunks.
_NOT_ARTICLE = re.compile(r"comment|teaser|related|promo|widget|sidebar|footer|nav|reply", re.I)
_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote", "pre")
_WORD = re.compile(r"\w+")


def split_article(tree: HtmlElement) -> tuple[str, int]:
    """(the text of the article's same-class chunks, characters of all ``<p>`` on the page).

    Paragraph text is summed per parent (tag, class); the richest group counts as split when
    it has 2 to 8 containers whose own parents look alike (siblings in one layout); else the
    text is "". The page total tells whether any other pass could find more.
    """
    groups: dict[tuple[str, str], tuple[int, list[HtmlElement]]] = {}
    total = 0
    for paragraph in tree.iter("p"):
        length = len(paragraph.text_content())
        total += length
        parent = paragraph.getparent()
        css = parent.get("class") if parent is not None else None
        if parent is None or not css:
            continue
        key = (str(parent.tag), css)
        chars, containers = groups.get(key, (0, []))
        if not containers or containers[-1] is not parent:
            containers.append(parent)
        groups[key] = (chars + length, containers)
    if not groups:
        return "", total
    (_, css), (_, chunks) = max(groups.items(), key=lambda item: item[1][0])
    if not 2 <= len(chunks) <= MAX_CHUNKS or _NOT_ARTICLE.search(css):
        return "", total
    layouts = {(c.getparent().tag, c.getparent().get("class")) for c in chunks}
    if len(layouts) > 1:
        return "", total
    return "\n\n".join(_blocks(chunk) for chunk in chunks), total


def _blocks(container: HtmlElement) -> str:
    texts = []
    for element in container.iter(*_BLOCKS):
        if element.xpath("ancestor::p|ancestor::li|ancestor::blockquote"):
            continue
        text = " ".join(element.text_content().split())
        if text:
            texts.append(text)
    return "\n\n".join(texts)


def more_complete(candidate: str, text: str) -> bool:
    """The candidate is clearly longer than ``text`` and holds most of it."""
    if len(candidate) < len(text) * MIN_GAIN:
        return False
    ours, theirs = _shingles(text), _shingles(candidate)
    if not ours:
        return True
    shared = sum((ours & theirs).values())
    return shared >= MIN_CONTAINED * sum(ours.values())


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))
