"""POST /logout: end the session, in the database as well as in the browser."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.auth import public, session_id
from aggregator.web.db import in_session
from aggregator.web.security import checked_form
from storage.sessions import end_session


@public
async def logout(request: Request) -> Response:
    """Revoke the session (a copy of the cookie stops working) and return to the login page."""
    await checked_form(request)
    sid = session_id(request)
    if sid is not None:
        await in_session(request, lambda s: end_session(s, sid))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
