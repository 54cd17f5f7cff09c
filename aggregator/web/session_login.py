"""GET/POST /login: the login form, and checking a username and password.

Every attempt is first counted in the database (``storage.login_attempts``); the password
is checked only when the counters allow it, and each check is logged (logger
``aggregator.web.login``), so failed guesses leave a trail shared by every process.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.auth import SESSION_ID, client_address, public, session_id
from aggregator.web.db import in_session
from aggregator.web.security import checked_form, local_path
from storage.db import Session
from storage.login_attempts import release_login, reserve_login
from storage.sessions import end_session, start_session
from storage.users import MAX_PASSWORD, USERNAME_MAX, Account, authenticate

log = logging.getLogger(__name__)
LOCKED = {
    "name and address": "Too many failed logins for this name; try again later.",
    "address": "Too many failed logins from your address; try again later.",
    "name": "Too many failed logins for this name; try again later.",
}


@public
async def login_form(request: Request) -> Response:
    """The login page."""
    target = local_path(request.query_params.get("next"))
    return _page(request, target, None)


@public
async def login(request: Request) -> Response:
    """Check the credentials; on success start a fresh session and go where asked."""
    form = await checked_form(request)
    username = str(form.get("username", ""))[:USERNAME_MAX]
    password = str(form.get("password", ""))[: MAX_PASSWORD + 1]
    target = local_path(str(form.get("next", "/")))
    account, locked = await check_password(request, username, password)
    if locked is not None:
        return _page(request, target, locked, status=429)
    if account is None:
        return _page(request, target, "Wrong username or password.", status=401)
    await begin_session(request, account)
    return RedirectResponse(target, status_code=303)


async def check_password(
    request: Request, username: str, password: str
) -> tuple[Account | None, str | None]:
    """(the account when the password is right, the refusal when the login limits are
    reached); the password is checked only after the attempt was counted."""
    address = client_address(request)
    limits = request.app.state.login_limits
    full = await in_session(request, lambda s: reserve_login(s, username, address, limits=limits))
    if full is not None:
        log.warning("login refused for %r from %s: %s limit reached", username, address, full)
        return None, LOCKED[full]
    account = await in_session(request, lambda s: authenticate(s, username, password))
    log.info(
        "password checked for %r from %s: %s", username, address, "right" if account else "wrong"
    )
    return account, None


async def begin_session(request: Request, account: Account) -> None:
    """Give the login's reservations back and open a new session (and CSRF token) for this
    browser, replacing the one it had, so a token planted before is worthless."""
    address = client_address(request)
    limits = request.app.state.login_limits
    policy = request.app.state.session_policy
    user_agent = request.headers.get("user-agent", "")
    previous = session_id(request)

    def begin(session: Session) -> str:
        release_login(session, account.username, address, limits=limits)
        if previous is not None:
            end_session(session, previous)
        return start_session(
            session, account.id, client_address=address, user_agent=user_agent, policy=policy
        )

    sid = await in_session(request, begin)
    request.session.clear()
    request.session[SESSION_ID] = sid


def _page(request: Request, target: str, error: str | None, status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "login.html",
        {"next": target, "error": error, "account": None},
        status_code=status,
    )
