"""POST /logout: end the session."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.security import checked_form


async def logout(request: Request) -> Response:
    """Forget the session and return to the login page."""
    await checked_form(request)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
