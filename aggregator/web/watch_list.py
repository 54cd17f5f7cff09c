"""GET /watches: the watches with their hits, aliases and feeds; POST /watches adds one.

Adding a watch (or accepting an alias, :mod:`aggregator.web.watch_act`) answers at once and
then, after the response, matches everything stored and proposes aliases in other scripts
(:func:`follow_up`), so a big store never holds the editor's request.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.errors import StorageError
from aggregator.web.auth import editor_of, editor_required, requires
from aggregator.web.db import in_session
from aggregator.web.security import checked_form
from storage.base import utcnow
from storage.db import Session, session_scope
from storage.watches import (
    add_watch,
    backfill,
    hit_counts,
    list_watches,
    propose_aliases,
    watch_token,
)

RECENT = timedelta(hours=24)
logger = logging.getLogger(__name__)


def follow_up(database_url: str, watch_id: int, *, propose: bool = True) -> None:
    """Match the store once against what is new in the watch, then propose aliases.

    Runs after the response: a failure (a database busy with a crawl) is logged, and the
    watch stays "matching stored articles…" until `aggregator watch backfill` finishes it.
    """
    try:
        backfill(database_url, watch_id=watch_id)
        if propose:
            with session_scope(database_url) as session:
                propose_aliases(session, watch_id)
    except Exception:
        logger.exception("backfill of watch %d failed; run `aggregator watch backfill`", watch_id)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


@requires("viewer")
async def watch_list(request: Request) -> Response:
    """The watches page."""
    return await render_watches(request)


async def render_watches(
    request: Request, *, error: str | None = None, form: dict[str, str] | None = None
) -> Response:
    def load(session: Session) -> dict[str, Any]:
        watches = list_watches(session)
        return {
            "watches": watches,
            "hits": hit_counts(session),
            "recent": hit_counts(session, since=utcnow() - RECENT),
            "tokens": {w.id: watch_token(session, w.id) for w in watches},
        }

    context = await in_session(request, load)
    base = str(request.base_url).rstrip("/")
    return request.app.state.templates.TemplateResponse(
        request,
        "watch_list.html",
        {
            **context,
            "account": request.state.account,
            "base": base,
            "error": error,
            "form": form or {},
        },
        status_code=400 if error else 200,
    )


@editor_required
async def watch_add(request: Request) -> Response:
    """Add a watch from the form (term, aliases, sources, languages), then backfill it."""
    form = await checked_form(request)
    fields = {k: str(form.get(k, ""))[:2000] for k in ("term", "aliases", "sources", "languages")}
    editor = editor_of(request)

    def add(session: Session) -> int | str:
        try:
            watch = add_watch(
                session,
                fields["term"],
                aliases=_split(fields["aliases"]),
                sources=_split(fields["sources"]),
                languages=_split(fields["languages"]),
                created_by=editor.username,
            )
        except StorageError as exc:
            session.rollback()
            return str(exc)
        return watch.id

    outcome = await in_session(request, add)
    if isinstance(outcome, str):
        return await render_watches(request, error=outcome, form=fields)
    task = BackgroundTask(follow_up, request.app.state.database_url, outcome)
    return RedirectResponse(f"/watches#watch-{outcome}", status_code=303, background=task)
