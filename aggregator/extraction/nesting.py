"""Pages nested deeper than libxml2 will parse, flattened so their text survives.

libxml2 stops building the tree at 256 levels (``huge_tree`` only moves the wall to 2,048, at
a cost of seconds): everything after the 256th nested ``<div>`` is silently dropped, and a
hostile or broken page of 10,000 nested elements extracts as empty. :func:`too_deep` tells
from a parsed tree that the wall was hit; :func:`flatten` then removes the wrapper
tags (``div``, ``span``...) nested past :data:`FLAT_DEPTH` from the HTML text, so it parses
whole: the content stays, with its paragraphs, headings and ``<time>`` elements.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

PARSER_DEPTH = 255  # the deepest level libxml2 builds without huge_tree
FLAT_DEPTH = 100  # real pages stay under 40 levels; below 100 trafilatura's walks stay cheap
HARD_DEPTH = 200  # past this even structural tags go: the parser's wall is at 255
# Tags that only wrap: past FLAT_DEPTH they are dropped and what they hold moves up a level.
_WRAPPERS = frozenset(["div", "span", "section", "font", "center", "b", "i", "u", "small", "big"])
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# An element PARSER_DEPTH levels down from the document: present only when the wall was hit.
_AT_WALL = etree.XPath("boolean(" + "/*" * PARSER_DEPTH + ")")
# Elements whose start closes an open one of the same name (``<p>a<p>b`` is two siblings).
_SELF_CLOSING = frozenset(["p", "li", "option", "dt", "dd", "tr", "td", "th"])
# Comments, doctype and raw-text elements are kept whole; the rest are tags to count.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|$)|<![^>]*>|<(script|style|textarea|title)\b[^>]*>.*?(?:</\1\s*>|$)"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*>",
    re.DOTALL | re.IGNORECASE,
)


def too_deep(tree: HtmlElement) -> bool:
    """True when the parse reached libxml2's depth wall (and so lost what lay below it).

    One compiled XPath walks the levels in C: a Python walk over every element's start and end
    events cost ~0.6 ms a page, for a check that almost never fires.
    """
    return bool(_AT_WALL(tree))


def flatten(html: str, limit: int = FLAT_DEPTH, hard: int = HARD_DEPTH) -> str:
    """``html`` without wrapper tags nested deeper than ``limit``, nor any tag past ``hard``.

    Depth counts the tags kept, so the content under 10,000 dropped ``<div>`` keeps its own
    structure a few levels below ``limit``. Text is never removed.
    """
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag name, dropped)
    kept = 0  # open tags that stay: the depth the parser will see
    open_count: dict[str, int] = {}  # how many of each name are open: closing stays linear
    position = 0
    for match in _TOKEN.finditer(html):
        name = match.group(3)
        if name is None:  # comment, doctype or raw-text element: not a level
            continue
        name = name.lower()
        keep = True
        if match.group(2):  # an end tag closes up to its start tag, when open
            if open_count.get(name):
                while True:
                    open_name, dropped = stack.pop()
                    open_count[open_name] -= 1
                    kept -= not dropped
                    if open_name == name:
                        keep = not dropped
                        break
        elif name not in _VOID and not match.group(0).endswith("/>"):
            if name in _SELF_CLOSING and stack and stack[-1][0] == name:
                kept -= not stack.pop()[1]
                open_count[name] -= 1
            dropped = kept >= hard or (kept >= limit and name in _WRAPPERS)
            kept += not dropped
            stack.append((name, dropped))
            open_count[name] = open_count.get(name, 0) + 1
            keep = not dropped
        if not keep:
            out.append(html[position : match.start()])
            position = match.end()
    out.append(html[position:])
    return "".join(out)
