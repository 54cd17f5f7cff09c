"""An outlet's own selectors from the sources file: CSS, or XPath when they start with / or (.

Operators write them when our heuristics get a site wrong, so they win whenever they match. A
selector that does not compile is reported (in the article's warnings) and ignored, so one
typo does not stop the source.
"""

from __future__ import annotations

from functools import lru_cache

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.etree import XPath, XPathError
from lxml.html import HtmlElement

from aggregator.errors import ExtractionError

_BLOCKS = frozenset(
    {"p", "div", "section", "article", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
     "pre", "ul", "ol", "table", "tr", "figure", "figcaption", "br", "dd", "dt", "header"}
)  # fmt: skip
_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "button", "form"})


def is_xpath(expression: str) -> bool:
    """XPath when it starts with ``/`` or ``(``; CSS otherwise."""
    return expression.lstrip().startswith(("/", "("))


@lru_cache(maxsize=256)
def _compile(expression: str) -> XPath:
    try:
        if is_xpath(expression):
            return XPath(expression.strip())
        return CSSSelector(expression.strip(), translator="html")
    except (SelectorError, XPathError) as exc:
        raise ExtractionError(f"invalid selector {expression!r}: {exc}") from None


def select(tree: HtmlElement, expression: str) -> list[HtmlElement | str]:
    """Matches of a selector: elements, or strings for an XPath ending in ``/@attr``/``text()``."""
    try:
        result = _compile(expression)(tree)
    except XPathError as exc:
        raise ExtractionError(f"selector {expression!r} failed: {exc}") from None
    if not isinstance(result, list):
        result = [str(result)] if result not in (None, "", False) else []
    return [r if isinstance(r, HtmlElement) else str(r) for r in result]


def first_text(tree: HtmlElement, expression: str) -> str | None:
    """The text (or ``datetime``/``content`` attribute) of the first non-empty match."""
    for match in select(tree, expression):
        if isinstance(match, str):
            text = match
        else:
            text = match.get("datetime") or match.get("content") or match.text_content()
        text = " ".join(text.split())
        if text:
            return text
    return None


def block_text(element: HtmlElement) -> str:
    """An element's text with one blank line between block elements (paragraphs kept)."""
    parts: list[str] = []
    _walk(element, parts)
    paragraphs = (" ".join(p.split()) for p in "".join(parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _walk(element: HtmlElement, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else None
    if tag is None or tag in _DROP:  # comments and processing instructions carry no text
        parts.append(element.tail or "")
        return
    block = tag in _BLOCKS
    if block:
        parts.append("\n\n")
    parts.append(element.text or "")
    for child in element:
        _walk(child, parts)
    if block:
        parts.append("\n\n")
    parts.append(element.tail or "")
