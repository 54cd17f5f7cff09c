"""POST /watches/{id}/{action}: remove a watch, propose aliases again, accept or reject one.

Accepting an alias matches the store once against it, after the response (like adding a
watch, see :mod:`aggregator.web.watch_list`).
"""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.auth import editor_of, editor_required
from aggregator.web.db import in_session
from aggregator.web.security import checked_form
from aggregator.web.watch_list import follow_up
from storage.base import MAX_ID
from storage.db import Session
from storage.watches import decide_alias, get_watch, propose_aliases, remove_watch

ACTIONS = ("remove", "propose", "accept", "reject")


def _id(text: str, what: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise HTTPException(404, f"no {what} {text[:20]!r}")
    return int(text)


@editor_required
async def watch_act(request: Request) -> Response:
    """Apply one action to a watch, then go back to the watches page."""
    watch_id = _id(request.path_params["watch_id"], "watch")
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise HTTPException(404, f"unknown action {action!r}")
    form = await checked_form(request)
    alias_text = str(form.get("alias", ""))
    editor = editor_of(request)

    def act(session: Session) -> bool:
        """Whether the store must be matched again (an alias was accepted)."""
        try:
            if action == "remove":
                remove_watch(session, watch_id)
            elif action == "propose":
                get_watch(session, watch_id)
                propose_aliases(session, watch_id)
            else:
                alias_id = _id(alias_text, "alias")
                decide_alias(
                    session, watch_id, alias_id, accept=action == "accept", editor=editor.username
                )
                return action == "accept"
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from None
        return False

    rematch = await in_session(request, act)
    task = None
    if rematch:
        task = BackgroundTask(follow_up, request.app.state.database_url, watch_id, propose=False)
    anchor = "" if action == "remove" else f"#watch-{watch_id}"
    return RedirectResponse(f"/watches{anchor}", status_code=303, background=task)
