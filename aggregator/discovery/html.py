"""Parse hostile HTML once, safely, for the discovery readers (links, feeds, language)."""

from __future__ import annotations

from lxml import etree, html

MAX_HTML = 5 * 1024 * 1024


def parse_html(page: str | bytes) -> etree._Element | None:
    """An lxml tree of ``page`` (bounded in size), or None when there is nothing to parse.

    Text is re-encoded to UTF-8 bytes because lxml refuses ``str`` input that carries an XML
    encoding declaration, which some outlets put on top of their HTML.
    """
    data = page.encode("utf-8", errors="replace") if isinstance(page, str) else page
    data = data[:MAX_HTML]
    if not data.strip():
        return None
    parser = html.HTMLParser(
        encoding="utf-8" if isinstance(page, str) else None, remove_comments=True, no_network=True
    )
    try:
        return html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return None
