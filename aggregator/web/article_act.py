"""POST /articles/{id}/{action}: approve, reject, publish, reset, star, unstar, note, edit,
follow, keep (after a revision: the republication copy follows the new text or keeps the old).

Every move goes through ``storage.editorial.apply_action``, which records the editor and
the time. ``edit`` saves the republication title and summary, and may approve in one go
(``then=approve``). On a refused value the article page comes back with the message.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.errors import StorageError
from aggregator.web.article_show import article_id_of, render_article
from aggregator.web.auth import editor_of, requires
from aggregator.web.db import in_session
from aggregator.web.security import checked_form, local_path
from storage.article_query import article_detail
from storage.db import Session
from storage.editorial import ACTIONS, apply_action


@requires("editor")
async def article_act(request: Request) -> Response:
    """Apply one editorial action, then go back to where the editor was."""
    article_id = article_id_of(request)
    form = await checked_form(request)
    action: str = request.path_params["action"]
    if action not in ACTIONS:
        raise HTTPException(404, f"unknown action {action!r}")
    editor = editor_of(request)
    fields = {k: str(form.get(k, "")) for k in ("title", "summary", "note")}
    then = str(form.get("then", ""))
    back = local_path(str(form.get("back", "")), "/")
    target = local_path(str(form.get("next", "")), f"/articles/{article_id}?back={quote(back)}")

    def act(session: Session) -> str | None:
        try:
            if action == "edit":
                apply_action(session, article_id, editor, "edit", **fields)
                if then in ("approve", "publish"):
                    apply_action(session, article_id, editor, then)
            elif action == "note":
                apply_action(session, article_id, editor, "note", note=fields["note"])
            else:
                apply_action(session, article_id, editor, action)
        except StorageError as exc:
            session.rollback()
            return str(exc)
        return None

    error = await in_session(request, act)
    if error is None:
        return RedirectResponse(target, status_code=303)
    detail = await in_session(request, lambda s: article_detail(s, article_id))
    if detail is None:
        raise HTTPException(404, error)
    return render_article(request, detail, back, error=error, form=fields, status=400)
