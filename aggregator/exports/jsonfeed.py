"""JSON Feed 1.1 writer; the attribution also sits in an ``_attribution`` extension object."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from aggregator.exports.item import ExportItem, FeedInfo, rfc3339

VERSION = "https://jsonfeed.org/version/1.1"


def item_json(item: ExportItem) -> dict[str, Any]:
    """One item as a JSON Feed object (also used by the JSON API)."""
    data: dict[str, Any] = {
        "id": item.guid,
        "url": item.url,
        "title": item.title,
        "summary": item.summary,
        "content_text": item.content_text,
        "date_published": rfc3339(item.published),
        "date_modified": rfc3339(item.updated),
        "authors": [{"name": a} for a in item.authors],
        "_attribution": {
            "outlet": item.outlet,
            "outlet_url": item.outlet_url,
            "authors": item.authors,
            "original_url": item.url,
            "original_date": item.original_date,
            "line": item.attribution,
        },
    }
    if item.language:
        data["language"] = item.language
    if item.url is None:
        del data["url"]
    return data


def render_json_feed(items: Iterable[ExportItem], feed: FeedInfo) -> bytes:
    """The JSON Feed document for ``items``."""
    document = {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "items": [item_json(i) for i in items],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
