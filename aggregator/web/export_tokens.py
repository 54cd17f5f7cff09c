"""GET /exports and POST /exports/{feed}/rotate: the export URLs with their tokens."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.auth import editor_required
from aggregator.web.db import in_session
from aggregator.web.security import checked_form
from storage.db import Session
from storage.secrets import EXPORT_FEEDS, export_token, rotate_export_token

PATHS = {
    "rss": "/export/rss.xml",
    "atom": "/export/atom.xml",
    "json": "/export/feed.json",
    "api": "/api/articles",
}


@editor_required
async def export_list(request: Request) -> Response:
    """The page listing each export with its tokenised URL."""

    def load(session: Session) -> dict[str, str]:
        return {feed: export_token(session, feed) for feed in EXPORT_FEEDS}

    tokens = await in_session(request, load)
    base = str(request.base_url).rstrip("/")
    urls = {feed: f"{base}{PATHS[feed]}?token={tokens[feed]}" for feed in EXPORT_FEEDS}
    return request.app.state.templates.TemplateResponse(
        request, "exports.html", {"account": request.state.account, "urls": urls}
    )


@editor_required
async def export_rotate(request: Request) -> Response:
    """Replace one feed's token (readers holding the old URL lose access)."""
    await checked_form(request)
    feed = request.path_params["feed"]
    if feed not in EXPORT_FEEDS:
        raise HTTPException(404, f"no export feed {feed!r}")
    await in_session(request, lambda s: rotate_export_token(s, feed))
    return RedirectResponse("/exports", status_code=303)
