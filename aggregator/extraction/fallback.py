"""A last-resort body finder for pages trafilatura gets nothing from.

Readability's old idea, kept small: every paragraph scores its parent (and half its
grandparent) by its amount of non-link text; the best-scoring container is the article, and
its paragraphs, in order, are the body. It needs no training and cannot be fooled by a page
whose article sits in unusual markup, as long as the text is in paragraphs.
"""

from __future__ import annotations

from collections import defaultdict

from lxml.html import HtmlElement

MIN_PARAGRAPH = 25  # characters; shorter "paragraphs" are captions, buttons and bylines
MAX_LINK_DENSITY = 0.5
_SKIP = "ancestor-or-self::*[self::nav or self::header or self::footer or self::aside or " \
        "self::form or self::script or self::style or self::noscript]"  # fmt: skip


def paragraph_density_body(tree: HtmlElement) -> str:
    """The paragraphs of the container richest in non-link paragraph text ("" when none)."""
    paragraphs = [p for p in tree.xpath("//body//p | //body//pre | //body//blockquote")
                  if not p.xpath(_SKIP)]  # fmt: skip
    scores: dict[HtmlElement, float] = defaultdict(float)
    for paragraph in paragraphs:
        score = _prose_length(paragraph)
        parent = paragraph.getparent()
        if score < MIN_PARAGRAPH or parent is None:
            continue
        scores[parent] += score
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] += score / 2
    if not scores:
        return ""
    best = max(scores, key=lambda element: scores[element])
    kept = [
        " ".join(p.text_content().split())
        for p in best.xpath(".//p | .//pre | .//blockquote | .//h2 | .//h3 | .//li")
        if not p.xpath(_SKIP)
        and not p.xpath("ancestor::p|ancestor::li|ancestor::blockquote")
        and (p.tag in ("h2", "h3") or _prose_length(p) >= MIN_PARAGRAPH)
    ]
    return "\n\n".join(text for text in kept if text)


def _prose_length(element: HtmlElement) -> float:
    text = " ".join(element.text_content().split())
    if not text:
        return 0.0
    links = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    if links / len(text) > MAX_LINK_DENSITY:
        return 0.0
    return float(len(text) - links)
