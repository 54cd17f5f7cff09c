"""One parsed page, shared by every extraction step so the HTML is parsed once.

Scraped HTML is hostile: we bound its size before parsing (a truncated page still parses, lxml
recovers) and never run anything in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import decode_file, load_html

from aggregator.errors import ExtractionError
from aggregator.extraction.jsonld import article_object, read_jsonld, unescape
from aggregator.extraction.nesting import flatten, too_deep

MAX_HTML_BYTES = 5_000_000  # a news page is rarely over 1 MB; beyond 5 MB it is junk or an attack
# Real article pages have a few thousand elements (6,000 at most in the dev set); trafilatura's
# time grows faster than linearly with the count, so a page of 100,000 tiny elements would
# stall a worker for minutes. Elements past this count (page order) are dropped.
MAX_ELEMENTS = 25_000
# Elements whose content no reader sees as text.
_NOT_TEXT = ("script", "style", "noscript", "template")


@dataclass
class Page:
    """A page's parse tree with its JSON-LD objects and meta tags read once."""

    url: str
    tree: HtmlElement
    jsonld: list[dict[str, Any]]
    article: dict[str, Any] | None  # the JSON-LD object that describes this article
    meta: dict[str, list[str]] = field(default_factory=dict)
    truncated: bool = False
    flattened: bool = False  # nested past libxml2's depth wall: tags below it were removed
    _text: str | None = field(default=None, init=False, repr=False)  # see text()

    def text(self) -> str:
        """The page's visible text in document order: no scripts, styles or comments.

        Serialized by libxml2 once per page, a tenth of the cost of walking the elements in
        Python. Script and style contents are blanked for the serialization and put back, so
        the shared tree is unchanged when this returns.
        """
        if self._text is None:
            hidden = [(el, el.text) for el in self.tree.iter(*_NOT_TEXT) if el.text]
            for element, _ in hidden:
                element.text = None
            try:
                self._text = etree.tostring(self.tree, method="text", encoding="unicode")
            finally:
                for element, text in hidden:
                    element.text = text
        return self._text

    def meta_first(self, *names: str) -> str | None:
        """The first non-empty content among meta tags named (name/property/itemprop) ``names``."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None


def parse_page(html: str | bytes, url: str) -> Page:
    """Parse (bounded) HTML; raises ExtractionError naming the URL when nothing parses."""
    truncated = len(html) > MAX_HTML_BYTES
    if truncated:
        html = html[:MAX_HTML_BYTES]
    tree = load_html(html) if html else None
    if tree is None:
        raise ExtractionError(f"{url}: not an HTML page (empty or unparsable)")
    flattened = too_deep(tree)
    if flattened:  # the parser dropped everything below its depth wall: parse it flat
        flat = load_html(flatten(html if isinstance(html, str) else decode_file(html)))
        tree = tree if flat is None else flat
    truncated = _bound_elements(tree) or truncated
    objects = read_jsonld(tree)
    return Page(
        url=url,
        tree=tree,
        jsonld=objects,
        article=article_object(objects, url),
        meta=_read_meta(tree),
        truncated=truncated,
        flattened=flattened,
    )


def _bound_elements(tree: HtmlElement) -> bool:
    """Drop every element past :data:`MAX_ELEMENTS`; True when some were dropped.

    Counted in C by XPath first: a Python list of every element costs ~2 ms on a news page.
    """
    if tree.xpath("count(//*)") <= MAX_ELEMENTS:
        return False
    elements = list(tree.iter())
    if len(elements) <= MAX_ELEMENTS:
        return False
    for element in reversed(elements[MAX_ELEMENTS:]):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return True


def _read_meta(tree: HtmlElement) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attribute)
            if key:
                meta.setdefault(key.strip().lower(), []).append(unescape(content[:2000]))
    return meta
