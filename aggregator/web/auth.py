"""Who is logged in, and what their role lets them do on each route.

The cookie holds a session id, checked against ``sessions`` each time. Logging out, a
password change, removing the account or ``aggregator users revoke-sessions`` delete the
session rows, so a copied cookie stops working at once.

Every route declares the role it needs, on its handler (``required_role``): ``requires``
for pages and actions behind a login (viewer, editor or admin, see ``storage.users.ROLES``),
``token_or_role`` for exports a token may also open, ``public`` for the login page, the
health check and static files. ``tests/web/test_roles.py`` walks ``app.ROUTES`` and fails
on any route that declares nothing, so a route cannot be added without saying who may use it.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.db import in_session
from storage.base import utcnow
from storage.db import Session
from storage.editorial import Editor
from storage.sessions import session_user
from storage.users import Account, check_role, get_account
from storage.watches import count_hits_since

RECENT_HITS = timedelta(hours=24)

Handler = Callable[[Request], Awaitable[Response]]
SESSION_ID = "sid"
PUBLIC = "public"
ROLE_ATTRIBUTE = "required_role"


def session_id(request: Request) -> str | None:
    """The session id the cookie carries, if any."""
    value = request.session.get(SESSION_ID)
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def client_address(request: Request) -> str:
    """The client's address (the forwarded one when ``--forwarded-allow-ips`` names the proxy)."""
    return request.client.host if request.client else "unknown"


async def current_account(request: Request) -> Account | None:
    """The logged-in account, or None (and the cookie forgotten) when its session ended."""
    sid = session_id(request)
    if sid is None:
        return None
    policy = request.app.state.session_policy

    def load(session: Session) -> Account | None:
        user_id = session_user(session, sid, policy=policy)
        if user_id is None:
            return None
        # The page header's watch-hit count, read in the same transaction.
        request.state.watch_hits = count_hits_since(session, utcnow() - RECENT_HITS)
        return get_account(session, user_id)

    account = await in_session(request, load)
    if account is None:
        request.session.clear()
    return account


def requires(role: str) -> Callable[[Handler], Handler]:
    """Let through only accounts with ``role`` (or a stronger one), and declare it.

    Not logged in: GETs go to the login page, other methods get 403. Logged in with a
    weaker role: 403 naming the role needed.
    """
    check_role(role)

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: Request) -> Response:
            account = await current_account(request)
            if account is None:
                if request.method == "GET":
                    query = f"?{request.url.query}" if request.url.query else ""
                    target = quote(request.url.path + query, safe="")
                    return RedirectResponse(f"/login?next={target}", status_code=303)
                raise HTTPException(403, "log in first")
            if not account.may(role):
                raise HTTPException(
                    403, f"this needs the {role} role; {account.username} is {account.role}"
                )
            request.state.account = account
            return await handler(request)

        setattr(wrapper, ROLE_ATTRIBUTE, role)
        return wrapper

    return decorate


# The role most pages and actions of the desk need (kept as a name for existing routes).
editor_required = requires("editor")


def public(handler: Handler) -> Handler:
    """Declare a route open to anyone (login page, health check): it checks nothing here."""
    setattr(handler, ROLE_ATTRIBUTE, PUBLIC)
    return handler


def token_or_role(role: str) -> Callable[[Handler], Handler]:
    """Declare a route a feed token opens, or else an account with ``role``; the handler
    checks both itself (``export_feed.authorize``)."""
    check_role(role)

    def decorate(handler: Handler) -> Handler:
        setattr(handler, ROLE_ATTRIBUTE, f"token or {role}")
        return handler

    return decorate


def declared_role(endpoint: object) -> str | None:
    """The role a route's handler (or mounted app) declares, or None when it declares none."""
    value = getattr(endpoint, ROLE_ATTRIBUTE, None)
    return value if isinstance(value, str) else None


def editor_of(request: Request) -> Editor:
    """The acting editor, for records of editorial actions."""
    account: Account = request.state.account
    return Editor(account.id, account.username)
