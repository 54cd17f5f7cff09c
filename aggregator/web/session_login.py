"""GET/POST /login: the login form, and checking a username and password."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.db import in_session
from aggregator.web.security import checked_form, local_path
from storage.users import MAX_PASSWORD, authenticate


async def login_form(request: Request) -> Response:
    """The login page."""
    target = local_path(request.query_params.get("next"))
    return _page(request, target, None)


async def login(request: Request) -> Response:
    """Check the credentials; on success start a fresh session and go where asked."""
    form = await checked_form(request)
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[: MAX_PASSWORD + 1]
    target = local_path(str(form.get("next", "/")))
    throttle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    if throttle.blocked(username, address):
        return _page(
            request, target, "Too many failed logins for this name; try again later.", status=429
        )
    account = await in_session(request, lambda s: authenticate(s, username, password))
    if account is None:
        throttle.failed(username, address)
        return _page(request, target, "Wrong username or password.", status=401)
    throttle.succeeded(username, address)
    # A new session (and CSRF token) on login, so a token planted before it is worthless.
    request.session.clear()
    request.session["uid"] = account.id
    request.session["csrf"] = secrets.token_urlsafe(32)
    return RedirectResponse(target, status_code=303)


def _page(request: Request, target: str, error: str | None, status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "login.html",
        {"next": target, "error": error, "account": None},
        status_code=status,
    )
