"""Who is logged in: the cookie holds a session id, checked against ``sessions`` each time.

Logging out, a password change, removing the account or ``aggregator users
revoke-sessions`` delete the session rows, so a copied cookie stops working at once.
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
from storage.users import Account, get_account
from storage.watches import count_hits_since

RECENT_HITS = timedelta(hours=24)

Handler = Callable[[Request], Awaitable[Response]]
SESSION_ID = "sid"


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


def editor_required(handler: Handler) -> Handler:
    """Let only logged-in editors through: GETs go to the login page, other methods get 403."""

    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        account = await current_account(request)
        if account is None:
            if request.method == "GET":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
            raise HTTPException(403, "log in first")
        request.state.account = account
        return await handler(request)

    return wrapper


def editor_of(request: Request) -> Editor:
    """The acting editor, for records of editorial actions."""
    account: Account = request.state.account
    return Editor(account.id, account.username)
