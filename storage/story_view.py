"""The editors' view of one story: its members with articles, citations and history.

Read-only queries for the review page's story view (``/stories/{id}``); the story aggregate
itself and the editors' moves (split, merge) are :mod:`storage.stories`. Kept apart from it so
the linking work there and the page work here change different files.

Members are read through ``articles.story_id`` (what the feed folds on) joined to their
``story_members`` row when there is one: a story made before memberships existed still shows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.article_filter import MAX_PAGE
from storage.articles import Article
from storage.citations import Citation
from storage.editorial import EditorialAction
from storage.stories import Story, StoryConstraint, StoryMember, resolve

STORY_ACTIONS = ("split", "merge")
MAX_MEMBERS = 200
MAX_CITATIONS = 10


@dataclass
class MemberView:
    """One article of the story with its membership (None for a story older than them)."""

    article: Article
    member: StoryMember | None
    citations: list[Citation] = field(default_factory=list)

    @property
    def relation(self) -> str:
        if self.member is not None:
            return self.member.relation
        return "member"

    @property
    def at(self) -> datetime:
        return self.article.published_at or self.article.first_seen_at


@dataclass
class StoryView:
    """A story, its members earliest first, and the editors' moves on it, newest first."""

    story: Story
    members: list[MemberView]
    history: list[EditorialAction]
    split_out: list[Article]

    @property
    def origin_id(self) -> int | None:
        return self.story.origin_article_id


def story_view(session: Session, story_id: int) -> StoryView | None:
    """The story with its members, their citations and its editorial history; None if absent."""
    story = session.get(Story, story_id)
    if story is None:
        return None
    rows = session.execute(
        select(Article, StoryMember)
        .outerjoin(StoryMember, StoryMember.article_id == Article.id)
        .where(Article.story_id == story_id)
        .order_by(Article.sort_at.asc(), Article.id.asc())
        .limit(MAX_MEMBERS)
    )
    members = [MemberView(article, member) for article, member in rows]
    _attach_citations(session, members)
    split_ids = _split_article_ids(session, story_id)
    split_out = list(session.scalars(select(Article).where(Article.id.in_(split_ids))))
    history = _history(session, story_id, [m.article.id for m in members] + split_ids)
    return StoryView(story, members, history, split_out)


def _attach_citations(session: Session, members: list[MemberView]) -> None:
    by_article = {m.article.id: m for m in members}
    if not by_article:
        return
    found: dict[int, list[Citation]] = defaultdict(list)
    stmt = select(Citation).where(Citation.article_id.in_(by_article)).order_by(Citation.id.asc())
    for citation in session.scalars(stmt):
        if len(found[citation.article_id]) < MAX_CITATIONS:
            found[citation.article_id].append(citation)
    for article_id, citations in found.items():
        by_article[article_id].citations = citations


def _split_article_ids(session: Session, story_id: int) -> list[int]:
    stmt = select(StoryConstraint.article_id).where(
        StoryConstraint.kind == "split", StoryConstraint.story_id == story_id
    )
    return [int(a) for a in session.scalars(stmt) if a is not None]


def _history(session: Session, story_id: int, article_ids: list[int]) -> list[EditorialAction]:
    """Splits and merges that concern this story, newest first.

    They are recorded per article (the split article, or the merged story's origin); the
    JSON detail says which story, and is checked here rather than in SQL (JSON paths differ
    between the databases; the rows are few).
    """
    if not article_ids:
        return []
    stmt = (
        select(EditorialAction)
        .where(
            EditorialAction.article_id.in_(article_ids),
            EditorialAction.action.in_(STORY_ACTIONS),
        )
        .order_by(EditorialAction.created_at.desc(), EditorialAction.id.desc())
        .limit(MAX_PAGE)
    )
    return [a for a in session.scalars(stmt) if _concerns(a, story_id)]


def _concerns(action: EditorialAction, story_id: int) -> bool:
    detail = action.detail or {}
    return story_id in (detail.get("story"), detail.get("into"), detail.get("from"))


def current_story_id(session: Session, story_id: int) -> int | None:
    """The story ``story_id`` now lives in (it may have been merged away); None if none."""
    target = resolve(session, story_id)
    return target if session.get(Story, target) is not None else None


def merge_choices(session: Session, story_id: int, *, limit: int = 30) -> list[Story]:
    """Recently updated other stories an editor may merge into this one."""
    stmt = (
        select(Story)
        .where(Story.id != story_id, or_(Story.article_count > 0, Story.article_count.is_(None)))
        .order_by(Story.updated_at.desc(), Story.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
