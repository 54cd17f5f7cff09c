"""Who is logged in: the session holds an account id, checked against the database each time.

Removing an account with ``aggregator users remove`` therefore ends its sessions at once.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.db import in_session
from storage.editorial import Editor
from storage.users import Account, get_account

Handler = Callable[[Request], Awaitable[Response]]


async def current_account(request: Request) -> Account | None:
    """The logged-in account, or None."""
    user_id = request.session.get("uid")
    if not isinstance(user_id, int):
        return None
    account = await in_session(request, lambda s: get_account(s, user_id))
    if account is None:
        request.session.pop("uid", None)
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
