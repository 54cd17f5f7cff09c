"""GET/POST /password: an editor changes their own password.

The current password is checked like a login (counted first, so the form is no way around
the login limits). The change ends every session of the editor, on every browser; this one
gets a fresh session at once.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.errors import StorageError
from aggregator.web.auth import requires
from aggregator.web.db import in_session
from aggregator.web.security import checked_form
from aggregator.web.session_login import begin_session, check_password
from storage.db import Session
from storage.users import MAX_PASSWORD, Account, set_password


@requires("viewer")
async def password_form(request: Request) -> Response:
    """The form: current password, new password twice."""
    return _page(request, None)


@requires("viewer")
async def password_change(request: Request) -> Response:
    """Check the current password, store the new one, end the other sessions."""
    form = await checked_form(request)
    account: Account = request.state.account
    current, new, again = (
        str(form.get(k, ""))[: MAX_PASSWORD + 1] for k in ("current", "new", "again")
    )
    if new != again:
        return _page(request, "The new password and its repetition differ.", status=400)
    checked, locked = await check_password(request, account.username, current)
    if locked is not None:
        return _page(request, locked, status=429)
    if checked is None:
        return _page(request, "The current password is wrong.", status=400)

    def change(session: Session) -> str | None:
        try:
            set_password(session, account.username, new)
        except StorageError as exc:
            return str(exc)
        return None

    error = await in_session(request, change)
    if error is not None:
        return _page(request, error, status=400)
    await begin_session(request, checked)
    return RedirectResponse("/", status_code=303)


def _page(request: Request, error: str | None, status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(
        request,
        "password_change.html",
        {"account": request.state.account, "error": error},
        status_code=status,
    )
