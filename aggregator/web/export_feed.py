"""GET /export/{rss.xml,atom.xml,feed.json}: approved articles for republication.

Readable with the feed's token (see the Exports page) or by a logged-in editor; takes the
feed page's filters (source, language, status, from, to, q). The token may come in a header,
``Authorization: Bearer TOKEN`` or ``X-Export-Token: TOKEN``, which stays out of logs and
proxies' histories, or as ``?token=TOKEN`` for feed readers that can only take a URL (the
access log shows it redacted, see aggregator/web/access_log.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from aggregator.exports.atom import render_atom
from aggregator.exports.item import ExportItem, FeedInfo, export_item
from aggregator.exports.jsonfeed import render_json_feed
from aggregator.exports.rss import render_rss
from aggregator.web.auth import current_account, token_or_role
from aggregator.web.db import in_session
from aggregator.web.filters import bounded_int, parse_filter
from storage.base import utcnow
from storage.db import Session
from storage.editorial import EXPORTED, approved_articles
from storage.secrets import check_export_token

Writer = Callable[[Iterable[ExportItem], FeedInfo], bytes]
# path name -> (token feed name, writer, media type)
FORMATS: dict[str, tuple[str, Writer, str]] = {
    "rss.xml": ("rss", render_rss, "application/rss+xml; charset=utf-8"),
    "atom.xml": ("atom", render_atom, "application/atom+xml; charset=utf-8"),
    "feed.json": ("json", render_json_feed, "application/feed+json; charset=utf-8"),
}
FEED_TITLE = "Newsroom aggregator: approved articles"


def sent_token(request: Request) -> str:
    """The export token the request carries: a header first, else ``?token=``."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("x-export-token") or request.query_params.get("token") or ""


async def authorize(request: Request, feed: str) -> None:
    """Let the request through with the feed's token or an editor's session; else 403."""
    token = sent_token(request)

    def check(session: Session) -> bool:
        return check_export_token(session, feed, token)

    valid: bool = bool(token) and await in_session(request, check)
    if valid:
        return
    account = await current_account(request)
    if account is not None and not account.may("viewer"):
        raise HTTPException(403, f"{account.username} has no role that reads exports")
    if account is None:
        raise HTTPException(
            403, f"this {feed} export needs its token: Authorization: Bearer TOKEN or ?token="
        )


def wants_full_text(request: Request) -> bool:
    """``?full=1``: items carry the article's whole text (then its attribution), not only
    the summary, for a desk that republishes in full."""
    return request.query_params.get("full", "") in ("1", "true", "yes")


def self_url(request: Request) -> str:
    """The request URL without its token, for feeds' self links."""
    return str(request.url.remove_query_params("token"))


@token_or_role("viewer")
async def export_feed(request: Request) -> Response:
    """One export document."""
    name = request.path_params["name"]
    if name not in FORMATS:
        raise HTTPException(404, f"no export named {name!r}")
    feed, writer, media_type = FORMATS[name]
    await authorize(request, feed)
    parsed = parse_filter(request.query_params, statuses=EXPORTED)
    limit = bounded_int(request.query_params.get("limit"), 50)
    full_text = wants_full_text(request)

    def load(session: Session) -> tuple[list[ExportItem], datetime]:
        rows, _ = approved_articles(session, parsed.filter, limit=limit)
        items = [
            export_item(article, approved_at, full_text=full_text) for article, approved_at in rows
        ]
        return items, max((i.updated for i in items), default=utcnow())

    items, updated = await in_session(request, load)
    info = FeedInfo(FEED_TITLE, self_url(request), str(request.base_url), updated)
    headers = {"cache-control": "private, max-age=60"}
    return Response(writer(items, info), media_type=media_type, headers=headers)
