"""GET /sources: every source's health and a chart of its articles per day.

A broken or silent source must be seen at a glance. Health (last run, failures in a row,
share of failed pages, quiet / failing / extraction / quality warnings) comes from
``storage.health``, the same report ``aggregator status`` prints; the chart adds articles
first seen per day over the last four weeks, and revisits: how many were done, the revisions
they found in the last 7 days (corrections among them) and the articles withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from aggregator.web.auth import requires
from aggregator.web.chart import articles_chart
from aggregator.web.db import in_session
from storage.articles import articles_per_day
from storage.db import Session
from storage.health import SourceHealth, source_health
from storage.revisits import empty_figures, revisit_figures
from storage.sources import all_sources

DAYS = 28


@dataclass
class SourceRowView:
    """One line of the sources page."""

    name: str
    label: str
    homepage: str
    enabled: bool
    health: SourceHealth
    chart: Markup
    revisits: dict[str, int]


def source_views(session: Session, now: datetime) -> list[SourceRowView]:
    """Health and daily counts of every source, in name order."""
    sources = all_sources(session)
    health = source_health(session, [s.name for s in sources], now)
    per_day = articles_per_day(session, days=DAYS, now=now)
    revisits = revisit_figures(session, since=now - timedelta(days=7))
    rows = []
    for source, state in zip(sources, health, strict=True):
        label = source.label or source.name
        daily = per_day.get(source.id, [0] * DAYS)
        rows.append(
            SourceRowView(
                name=source.name,
                label=label,
                homepage=source.homepage,
                enabled=source.enabled,
                health=state,
                chart=articles_chart(daily, now.date(), label),
                revisits=revisits.get(source.name, empty_figures()),
            )
        )
    return rows


@requires("viewer")
async def source_list(request: Request) -> Response:
    """The sources page."""
    now = datetime.now(UTC)
    rows = await in_session(request, lambda s: source_views(s, now))
    return request.app.state.templates.TemplateResponse(
        request,
        "source_list.html",
        {"account": request.state.account, "rows": rows, "days": DAYS},
    )
