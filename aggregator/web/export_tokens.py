"""GET /exports and POST /exports/{export}/rotate: the export URLs with their tokens."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.auth import requires
from aggregator.web.db import in_session
from aggregator.web.security import checked_form
from storage.db import Session
from storage.secrets import EXPORT_FORMATS, export_token, rotate_export_token

PATHS = {
    "rss": "/export/rss.xml",
    "atom": "/export/atom.xml",
    "json": "/export/feed.json",
    "api": "/api/articles",
    "alerts": "/export/alerts.atom",
}


@requires("admin")
async def export_list(request: Request) -> Response:
    """The page listing each export with its tokenised URL."""

    def load(session: Session) -> dict[str, str]:
        return {export: export_token(session, export) for export in EXPORT_FORMATS}

    tokens = await in_session(request, load)
    base = str(request.base_url).rstrip("/")
    urls = {export: f"{base}{PATHS[export]}?token={tokens[export]}" for export in EXPORT_FORMATS}
    return request.app.state.templates.TemplateResponse(
        request,
        "exports.html",
        {"account": request.state.account, "urls": urls, "full": "&full=1"},
    )


@requires("admin")
async def export_rotate(request: Request) -> Response:
    """Replace one export's token (readers holding the old URL lose access)."""
    await checked_form(request)
    export = request.path_params["export"]
    if export not in EXPORT_FORMATS:
        raise HTTPException(404, f"no export {export!r}")
    await in_session(request, lambda s: rotate_export_token(s, export))
    return RedirectResponse("/exports", status_code=303)
