"""GET /stories/{id}: one story across outlets and languages, its chain and its history.

Members are grouped by language with their relation, confidence, outlet, time and the
evidence in words; the chain is drawn as inline SVG built here (no script). A merged-away
story id redirects to the story it went into.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from aggregator.web.auth import requires
from aggregator.web.db import in_session
from aggregator.web.security import local_path
from aggregator.web.story_evidence import citation_line, evidence_lines, percent
from aggregator.web.story_graph import Graph, layout
from storage.base import MAX_ID
from storage.db import Session
from storage.stories import Story
from storage.story_view import (
    MAX_MEMBERS,
    MemberView,
    StoryView,
    current_story_id,
    merge_choices,
    story_view,
)


@dataclass(frozen=True)
class MemberRow:
    """A member as the page lists it: the stored rows plus its evidence in words."""

    m: MemberView
    confidence: str
    evidence: list[str]
    citations: list[str]


@dataclass(frozen=True)
class LanguageGroup:
    language: str
    rows: list[MemberRow]


def story_id_of(request: Request) -> int:
    """The story id of the path; 404 unless it is a number a story can have."""
    text: str = request.path_params["story_id"]
    if not (text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) <= MAX_ID):
        raise HTTPException(404, f"no story with id {text[:40]!r}")
    return int(text)


@requires("viewer")
async def story_show(request: Request) -> Response:
    """The story page (or a redirect to the story a merged one went into)."""
    story_id = story_id_of(request)
    back = local_path(request.query_params.get("back"), "/")
    loaded = await in_session(request, lambda s: load_story(s, story_id))
    if loaded is None:
        raise HTTPException(404, f"no story with id {story_id}")
    if isinstance(loaded, int):
        return RedirectResponse(f"/stories/{loaded}", status_code=303)
    return render_story(request, loaded, back)


def load_story(session: Session, story_id: int) -> dict[str, Any] | int | None:
    """The page's data; the current id when ``story_id`` was merged away; None if unknown."""
    current = current_story_id(session, story_id)
    if current is None:
        return None
    if current != story_id:
        return current
    view = story_view(session, story_id)
    if view is None:
        return None
    return {"view": view, "choices": merge_choices(session, story_id)}


def render_story(
    request: Request,
    loaded: dict[str, Any],
    back: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The story page, optionally with the message of a refused merge or split."""
    view: StoryView = loaded["view"]
    choices: list[Story] = loaded["choices"]
    graph: Graph = layout(view)
    return request.app.state.templates.TemplateResponse(
        request,
        "story_show.html",
        {
            "account": request.state.account,
            "story": view.story,
            "view": view,
            "groups": groups_of(view),
            "languages": languages_of(view),
            "origin_language": next(
                (m.article.language for m in view.members if m.article.id == view.origin_id), None
            ),
            "graph": graph,
            "choices": choices,
            "back": back,
            "error": error,
            "max_members": MAX_MEMBERS,
        },
        status_code=status,
    )


def languages_of(view: StoryView) -> list[str]:
    """The story's languages, the origin's first, then by first appearance."""
    seen: list[str] = []
    origin = [m for m in view.members if m.article.id == view.origin_id]
    for m in origin + view.members:
        language = m.article.language or "?"
        if language not in seen:
            seen.append(language)
    return seen


def groups_of(view: StoryView) -> list[LanguageGroup]:
    """Members grouped by language (the origin's language first), earliest first in each."""
    rows: dict[str, list[MemberRow]] = {language: [] for language in languages_of(view)}
    for m in view.members:
        rows[m.article.language or "?"].append(
            MemberRow(
                m=m,
                confidence=percent(m.member.confidence if m.member is not None else None),
                evidence=evidence_lines(m.member.evidence if m.member is not None else None),
                citations=[citation_line(c) for c in m.citations],
            )
        )
    return [LanguageGroup(language, members) for language, members in rows.items()]
