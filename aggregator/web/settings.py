"""GET/POST /settings: the time zone an editor reads times in.

Times on the feed and article pages are shown in the editor's zone: the one saved here, else
the browser's own (``static/keys.js`` converts them), else UTC without script. The outlet's
own local time stays one hover away (the ``title`` of each time).
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.errors import StorageError
from aggregator.web.auth import requires
from aggregator.web.db import in_session
from aggregator.web.security import checked_form
from storage.db import Session
from storage.users import Account, set_timezone


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone the system knows, sorted (read once: the list is ~600 names)."""
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


@requires("viewer")
async def settings_form(request: Request) -> Response:
    """The settings form."""
    return _page(request, request.state.account.timezone, None)


@requires("viewer")
async def settings_save(request: Request) -> Response:
    """Save the zone (empty: follow the browser)."""
    form = await checked_form(request)
    account: Account = request.state.account
    zone = str(form.get("timezone", "")).strip()[:100]

    def save(session: Session) -> str | None:
        try:
            set_timezone(session, account.id, zone or None)
        except StorageError as exc:
            return str(exc)
        return None

    error = await in_session(request, save)
    if error is not None:
        return _page(request, zone, error, status=400)
    return RedirectResponse("/settings?saved=1", status_code=303)


def _page(request: Request, zone: str | None, error: str | None, status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(
        request,
        "settings.html",
        {
            "account": request.state.account,
            "zone": zone or "",
            "zones": zone_names(),
            "error": error,
            "saved": request.query_params.get("saved") == "1",
        },
        status_code=status,
    )
