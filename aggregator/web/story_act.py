"""POST /stories/{id}/merge and /stories/{id}/split: an editor's corrections to linking.

``merge`` moves every member of the story named by the ``other_id`` field (typed), else by
``other`` (the list of recent stories), into this one;
``split`` takes the article named by ``article`` out of this story and keeps it out. Both
are recorded in the editorial history and respected by later automatic linking
(``storage.stories``: split and merge constraints). A refused move comes back as the story
page with the message.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.errors import StorageError
from aggregator.web.auth import editor_of, editor_required
from aggregator.web.db import in_session
from aggregator.web.security import checked_form, local_path
from aggregator.web.story_show import load_story, render_story, story_id_of
from storage.base import MAX_ID
from storage.db import Session
from storage.editorial import Editor
from storage.stories import merge, split

STORY_MOVES = ("merge", "split")


def form_id(form: FormData, name: str, what: str) -> int:
    """A positive id from the form field ``name``; a clear error naming the field otherwise."""
    text = str(form.get(name, "")).strip().lstrip("#")
    if not (text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) <= MAX_ID):
        raise StorageError(f"{what} {text[:40]!r} is not an id (field {name!r})")
    return int(text)


@editor_required
async def story_act(request: Request) -> Response:
    """Merge a story into this one or split an article out, then show the story."""
    story_id = story_id_of(request)
    form = await checked_form(request)
    move: str = request.path_params["move"]
    if move not in STORY_MOVES:
        raise HTTPException(404, f"unknown story action {move!r}")
    editor = editor_of(request)
    back = local_path(str(form.get("back", "")), "/")

    def act(session: Session) -> str | None:
        try:
            apply_move(session, move, story_id, form, editor)
        except StorageError as exc:
            session.rollback()
            return str(exc)
        return None

    error = await in_session(request, act)
    if error is None:
        return RedirectResponse(f"/stories/{story_id}", status_code=303)
    loaded = await in_session(request, lambda s: load_story(s, story_id))
    if not isinstance(loaded, dict):
        raise HTTPException(404, error)
    return render_story(request, loaded, back, error=error, status=400)


def apply_move(session: Session, move: str, story_id: int, form: FormData, editor: Editor) -> None:
    """One editor's move through the storage API (which records it)."""
    if move == "merge":
        # A typed id (an older story than the list offers) wins over the list's choice.
        field = "other_id" if str(form.get("other_id", "")).strip() else "other"
        merge(session, story_id, form_id(form, field, "story"), editor)
    else:
        split(session, story_id, form_id(form, "article", "article"), editor)
