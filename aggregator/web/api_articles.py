"""GET /api/articles: approved articles as JSON, with the feed page's filters and a cursor.

Readable with the ``api`` token or by a logged-in editor. Each item is a JSON Feed item
plus ``id``, ``status`` and ``approved_at``; ``next`` is the URL of the following page.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from aggregator.exports.item import export_item, rfc3339
from aggregator.exports.jsonfeed import item_json
from aggregator.web.auth import token_or_role
from aggregator.web.db import in_session
from aggregator.web.export_feed import authorize, wants_full_text
from aggregator.web.filters import bounded_int, parse_filter
from storage.article_filter import Cursor
from storage.db import Session
from storage.editorial import EXPORTED, approved_articles


@token_or_role("viewer")
async def api_articles(request: Request) -> Response:
    """One page of approved articles."""
    await authorize(request, "api")
    parsed = parse_filter(request.query_params, statuses=EXPORTED)
    before = Cursor.decode(request.query_params.get("before"))
    limit = bounded_int(request.query_params.get("limit"), 50)
    full_text = wants_full_text(request)

    def load(session: Session) -> tuple[list[dict[str, Any]], Cursor | None]:
        rows, cursor = approved_articles(session, parsed.filter, before=before, limit=limit)
        items = []
        for article, approved_at in rows:
            data = item_json(export_item(article, approved_at, full_text=full_text))
            data.update(
                article_id=article.id, status=article.status, approved_at=rfc3339(approved_at)
            )
            items.append(data)
        return items, cursor

    items, cursor = await in_session(request, load)
    next_url = None
    if cursor is not None:
        next_url = str(request.url.include_query_params(before=cursor.encode()))
    return JSONResponse(
        {"items": items, "next": next_url, "ignored": parsed.problems},
        headers={"cache-control": "private, max-age=60"},
    )
