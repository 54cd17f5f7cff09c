"""GET /alerts, POST /alerts/{id}/seen and GET /export/alerts.atom: the alert channel on the web.

Every kind of alert (:mod:`storage.alerts`) is listed, newest first, with its details; a
correction alert shows the word-level diff of the title and the body (added and removed words
highlighted, right to left for Arabic). Marking an alert seen is an editor's action (a CSRF
checked POST, like the article actions). The Atom feed lists every alert of the channel, any
kind (``?kind=`` narrows it), and opens with its own token exactly like the exports
(:mod:`aggregator.web.export_feed`), or an editor's session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.exports.atom import render_atom
from aggregator.exports.item import ExportItem, FeedInfo, http_url, xml_safe
from aggregator.web.auth import editor_required, requires, token_or_role
from aggregator.web.db import in_session
from aggregator.web.export_feed import authorize, self_url
from aggregator.web.filters import bounded_int
from aggregator.web.security import checked_form
from storage.alerts import KINDS, Alert, count_unseen, list_alerts, mark_seen
from storage.base import MAX_ID, utcnow
from storage.db import Session, session_scope

FEED_TITLE = "Newsroom aggregator: alerts"
MAX_DIFF_SEGMENTS = 4000  # a diff is shown up to this many segments (hostile pages are big)


def _kind(request: Request) -> str | None:
    kind = request.query_params.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise HTTPException(400, f"unknown alert kind {kind[:40]!r} (one of {', '.join(KINDS)})")
    return kind


def unseen_alerts(request: Request) -> dict[str, Any]:
    """Template context of every page: the unseen-alert count for the header (editors only)."""
    if getattr(request.state, "account", None) is None:
        return {"unseen_alerts": None}
    with session_scope(request.app.state.database_url) as session:
        return {"unseen_alerts": count_unseen(session)}


@requires("viewer")
async def alert_list(request: Request) -> Response:
    """The alerts page: unseen alerts (``?all=1``: seen ones too), newest first."""
    include_seen = request.query_params.get("all") == "1"
    kind = _kind(request)
    limit = min(max(1, bounded_int(request.query_params.get("limit"), 100)), 500)

    def load(session: Session) -> list[dict[str, Any]]:
        alerts = list_alerts(session, include_seen=include_seen, kind=kind, limit=limit)
        return [_view(a) for a in alerts]

    alerts = await in_session(request, load)
    return request.app.state.templates.TemplateResponse(
        request,
        "alert_list.html",
        {
            "account": request.state.account,
            "alerts": alerts,
            "include_seen": include_seen,
            "kind": kind,
        },
    )


def _view(alert: Alert) -> dict[str, Any]:
    """What the page shows of one alert; the diff bounded, the text escaped by the template."""
    view = alert.to_json()
    details = alert.details or {}
    found = details.get("diff")
    diff: dict[str, Any] = found if isinstance(found, dict) else {}
    view["diff"] = {
        part: [s for s in diff.get(part, []) if isinstance(s, list) and len(s) == 2][
            :MAX_DIFF_SEGMENTS
        ]
        for part in ("title", "body")
        if diff.get(part)
    }
    view["language"] = details.get("language")
    view["article_id"] = details.get("article_id")
    view["url"] = http_url(details.get("url"))
    return view


@editor_required
async def alert_seen(request: Request) -> Response:
    """Mark one alert seen, then back to the alerts page."""
    await checked_form(request)
    try:
        alert_id = int(request.path_params["alert_id"])
    except ValueError:
        raise HTTPException(404, "no such alert") from None
    if not 0 < alert_id <= MAX_ID:
        raise HTTPException(404, "no such alert")

    def act(session: Session) -> bool:
        try:
            mark_seen(session, alert_id)
        except LookupError:
            return False
        return True

    if not await in_session(request, act):
        raise HTTPException(404, f"alert {alert_id} does not exist")
    return RedirectResponse("/alerts", status_code=303)


def alert_item(alert: Alert) -> ExportItem:
    """An alert as an Atom entry (the exports' writer): message as title, details as text."""
    details = alert.details or {}
    url = http_url(details.get("url"))
    summary = _diff_text(details.get("diff")) or alert.message
    return ExportItem(
        id=alert.id,
        url=url,
        guid=f"urn:newsroom-aggregator:alert:{alert.id}",
        title=xml_safe(f"[{alert.kind}] {alert.message}"),
        summary=xml_safe(summary[:5000]),
        outlet=xml_safe(alert.source_name or "aggregator"),
        outlet_url=None,
        authors=[],
        language=details.get("language") if isinstance(details.get("language"), str) else None,
        published=alert.created_at,
        original_date=alert.created_at.isoformat(timespec="minutes"),
        updated=alert.updated_at,
        attribution=xml_safe(f"alert {alert.id} ({alert.kind}), source {alert.source_name or '—'}"),
    )


def _diff_text(diff: Any) -> str:
    """A diff in plain text: removed words as [-…-], added ones as {+…+}."""
    if not isinstance(diff, dict):
        return ""
    lines = []
    for part in ("title", "body"):
        segments = diff.get(part) or []
        marks = {"=": "{}", "+": "{{+{}+}}", "-": "[-{}-]"}
        text = "".join(
            marks.get(op, "{}").format(value)
            for op, value in (s for s in segments if isinstance(s, list) and len(s) == 2)
        )
        if text:
            lines.append(f"{part}: {text}")
    return "\n".join(lines)


@token_or_role("viewer")
async def alert_feed(request: Request) -> Response:
    """The Atom feed of the alert channel (its own token, like an export)."""
    await authorize(request, "alerts")
    kind = _kind(request)
    limit = min(max(1, bounded_int(request.query_params.get("limit"), 50)), 500)

    def load(session: Session) -> tuple[list[ExportItem], datetime]:
        alerts = list_alerts(session, include_seen=True, kind=kind, limit=limit)
        items = [alert_item(a) for a in alerts]
        return items, max((i.updated for i in items), default=utcnow())

    items, updated = await in_session(request, load)
    info = FeedInfo(FEED_TITLE, self_url(request), str(request.base_url), updated)
    headers = {"cache-control": "private, max-age=60"}
    return Response(
        render_atom(items, info),
        media_type="application/atom+xml; charset=utf-8",
        headers=headers,
    )
