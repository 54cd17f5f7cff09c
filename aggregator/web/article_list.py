"""GET /: the article list, one row per story, filtered, searched, counted, newest first."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from aggregator.web.auth import requires
from aggregator.web.db import in_session
from aggregator.web.filters import ParsedFilter, bounded_int, parse_filter
from storage.article_filter import Cursor, query_matches
from storage.article_query import article_page, facet_counts
from storage.articles import STATUSES
from storage.db import Session
from storage.sources import source_labels
from storage.watches import list_watches


@requires("viewer")
async def article_list(request: Request) -> Response:
    """The article list page."""
    parsed = parse_filter(request.query_params)
    parsed.filter = replace(parsed.filter, hide_rejected=True)
    before = Cursor.decode(request.query_params.get("before"))
    limit = bounded_int(request.query_params.get("limit"), 50)

    def load(session: Session) -> dict[str, Any]:
        found = query_matches(session, parsed.filter)  # counted once for page and counts
        page = article_page(session, parsed.filter, before=before, limit=limit, found=found)
        counts = facet_counts(session, parsed.filter, found=found)
        # The language menu offers what the other filters leave (and the current choice).
        languages = set(counts.language)
        if parsed.filter.language:
            languages.add(parsed.filter.language)
        return {
            "page": page,
            "counts": counts,
            "languages": sorted(languages),
            "sources": source_labels(session),
            "watches": [(w.id, w.term) for w in list_watches(session)],
        }

    context = await in_session(request, load)
    page = context["page"]
    next_link = None
    if page.next_cursor is not None:
        # The page size carries over, so page 2 of ?limit=5 has 5 rows too.
        sized = str(limit) if "limit" in request.query_params else None
        next_link = parsed.link(before=page.next_cursor.encode(), limit=sized)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return request.app.state.templates.TemplateResponse(
        request,
        "article_list.html",
        {
            **context,
            "account": request.state.account,
            "f": parsed,
            "statuses": STATUSES,
            "next_link": next_link,
            "first_page": before is not None,
            "here": here,
            "clear": filter_links(parsed),
        },
    )


def filter_links(parsed: ParsedFilter) -> dict[str, str]:
    """Links that clear each active filter (shown as removable chips)."""
    return {key: parsed.link(**{key: None}) for key in parsed.params}
