"""GET /api/stories: recent stories as JSON, the same objects as ``aggregator stories --json``.

Readable with the ``api`` token or by any logged-in account (like /api/articles). ``since`` is a
duration (default 7d); ``limit`` at most 500. Every field is scraped text: JSON-encoded, never
HTML.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from aggregator.config.sources import parse_duration
from aggregator.web.auth import token_or_role
from aggregator.web.db import in_session
from aggregator.web.export_feed import authorize
from aggregator.web.filters import bounded_int
from storage.base import utcnow
from storage.db import Session
from storage.stories import recent_stories, story_json


@token_or_role("viewer")
async def api_stories(request: Request) -> Response:
    """Stories updated within ``since``, newest first."""
    await authorize(request, "api")
    raw = request.query_params.get("since", "7d")
    try:
        since = parse_duration(raw)
    except ValueError as exc:
        return JSONResponse({"error": f"since: {exc}"}, status_code=400)
    limit = max(1, min(bounded_int(request.query_params.get("limit"), 100), 500))
    cutoff = utcnow() - since

    def load(session: Session) -> list[dict[str, Any]]:
        return [story_json(s, rows) for s, rows in recent_stories(session, cutoff, limit=limit)]

    stories = await in_session(request, load)
    return JSONResponse({"stories": stories}, headers={"cache-control": "private, max-age=60"})
