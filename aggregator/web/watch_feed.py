"""GET /watch/{id}/atom.xml: one watch's hits as Atom, newest article first.

Tokened like the exports (a token per watch, shown on the watches page; header
``Authorization: Bearer TOKEN``, ``X-Export-Token`` or ``?token=``), or open to any logged-in
account (a viewer reads it too). Entries are written by
:func:`aggregator.exports.atom.render_atom`, with the hit's time as the entry's update time.
"""

from __future__ import annotations

from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from aggregator.exports.atom import render_atom
from aggregator.exports.item import ExportItem, FeedInfo, export_item
from aggregator.web.auth import current_account, token_or_role
from aggregator.web.db import in_session
from aggregator.web.export_feed import self_url, sent_token
from aggregator.web.filters import bounded_int
from aggregator.web.watch_act import _id
from storage.base import utcnow
from storage.db import Session
from storage.watches import check_watch_token, get_watch, list_hits


@token_or_role("viewer")
async def watch_feed(request: Request) -> Response:
    """The Atom document of one watch's hits."""
    watch_id = _id(request.path_params["watch_id"], "watch")
    token = sent_token(request)
    valid = bool(token) and await in_session(
        request, lambda s: check_watch_token(s, watch_id, token)
    )
    if not valid and await current_account(request) is None:
        raise HTTPException(403, "this watch feed needs its token: Authorization: Bearer TOKEN")
    limit = max(1, min(bounded_int(request.query_params.get("limit"), 50), 200))

    def load(session: Session) -> tuple[str, list[ExportItem], datetime]:
        try:
            term = get_watch(session, watch_id).term
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from None
        rows = list_hits(session, watch_id, limit=limit)
        items = [export_item(r.article, r.hit.created_at) for r in rows]
        return term, items, max((i.updated for i in items), default=utcnow())

    term, items, updated = await in_session(request, load)
    info = FeedInfo(f"Watch: {term}", self_url(request), str(request.base_url), updated)
    headers = {"cache-control": "private, max-age=60"}
    return Response(
        render_atom(items, info),
        media_type="application/atom+xml; charset=utf-8",
        headers=headers,
    )
