"""The Jinja2 environment: autoescape always on, strict undefined, our text filters."""

from __future__ import annotations

from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from aggregator.web import text
from aggregator.web.alert_list import unseen_alerts
from aggregator.web.security import csrf_token

HERE = Path(__file__).parent


def watch_hits(request: Request) -> int:
    """Hits of every watch in the last 24 hours, read with the account (0 when not read)."""
    return int(getattr(request.state, "watch_hits", 0))


def make_templates() -> Jinja2Templates:
    """Templates with every scraped string escaped and undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        dir=text.direction,
        href=text.safe_href,
        paragraphs=text.paragraphs,
        local_time=text.local_time,
        utc_time=text.utc_time,
        zone_time=text.zone_time,
        lead=text.lead,
    )
    env.globals["csrf_token"] = csrf_token
    env.globals["watch_hits"] = watch_hits
    return Jinja2Templates(env=env, context_processors=[unseen_alerts])
