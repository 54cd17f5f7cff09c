"""Stories: the same news across URLs, outlets and languages, with each member's provenance.

The story aggregate is three tables:

* ``stories``: one row per story, its origin article and title;
* ``story_members``: article -> story (one story per article, the primary key), with the
  member's ``relation`` (:data:`RELATIONS`), a ``confidence`` 0-1, the ``evidence`` (JSON: what
  matched), the article it was linked through or cites (``cited_article_id``) and who decided
  (``auto`` or ``editor``);
* ``story_constraints``: editors' decisions that automatic linking must respect: ``split``
  ("never auto-join article A to story S") and ``merge`` (story B was merged into story A,
  so a link to B goes to A).

Races between crawler processes: a membership's primary key is the article id, so two writers
that both try to put one article in a new story cannot both succeed; the loser's savepoint is
rolled back and it joins the story the winner made (:func:`join`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from aggregator.errors import StorageError
from storage.articles import Article
from storage.base import Base, utcnow
from storage.editorial import Editor, EditorialAction

RELATIONS = ("original", "translation", "republication", "retelling", "duplicate", "update")
DECIDERS = ("auto", "editor")
CONSTRAINT_KINDS = ("split", "merge")
# Relations that read the same both ways (a retelling of B is retold by B).
SYMMETRIC = ("translation", "retelling", "duplicate")


class Story(Base):
    """A group of articles that tell the same story; the origin is the earliest copy unless an
    attribution names another."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", use_alter=True, ondelete="SET NULL")
    )
    title: Mapped[str | None] = mapped_column(Text)
    article_count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoryMember(Base):
    """One article's place in a story and why it is there."""

    __tablename__ = "story_members"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    relation: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cited_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL")
    )
    decided_by: Mapped[str] = mapped_column(String(8), default="auto")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_story_members_story", "story_id"),)


class StoryConstraint(Base):
    """An editor's split (article never auto-joins story) or merge (other story -> story)."""

    __tablename__ = "story_constraints"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    story_id: Mapped[int] = mapped_column()  # the story kept (merge) or refused (split)
    article_id: Mapped[int | None] = mapped_column()  # split: the article kept out
    other_story_id: Mapped[int | None] = mapped_column()  # merge: the story merged away
    username: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "story_id", "article_id", "other_story_id"),
        Index("ix_story_constraints_article", "article_id"),
        Index("ix_story_constraints_other", "other_story_id"),
    )


@dataclass(frozen=True)
class Link:
    """What the linker decided for a new article: join ``match``'s story as ``relation``."""

    relation: str
    confidence: float
    evidence: dict[str, Any]
    cited_article_id: int | None = None
    match_relation: str = "original"  # the relation ``match`` gets when a story is made


def membership(session: Session, article_id: int) -> StoryMember | None:
    """The article's membership, if it is in a story."""
    return session.get(StoryMember, article_id)


def members(session: Session, story_id: int) -> list[tuple[StoryMember, Article]]:
    """A story's members with their articles, earliest first."""
    rows = session.execute(
        select(StoryMember, Article)
        .join(Article, Article.id == StoryMember.article_id)
        .where(StoryMember.story_id == story_id)
        .order_by(func.coalesce(Article.published_at, Article.first_seen_at), Article.id)
    )
    return [(m, a) for m, a in rows]


# Asked at every join; built once (building and cache-keying them cost more than running them).
_SPLIT = select(StoryConstraint.id).where(
    StoryConstraint.kind == "split",
    StoryConstraint.article_id == bindparam("article_id"),
    StoryConstraint.story_id == bindparam("story_id"),
)
_MERGED_INTO = select(StoryConstraint.story_id).where(
    StoryConstraint.kind == "merge", StoryConstraint.other_story_id == bindparam("story_id")
)
# A story's members with what choosing its origin reads of their articles, earliest first:
# loading whole articles (bodies, sources) cost more than the rest of a join.
_ORIGIN_ROWS = (
    select(StoryMember, Article.id, Article.title, Article.language)
    .join(Article, Article.id == StoryMember.article_id)
    .where(StoryMember.story_id == bindparam("story_id"))
    .order_by(func.coalesce(Article.published_at, Article.first_seen_at), Article.id)
)


def refused(session: Session, article_id: int, story_id: int) -> bool:
    """Whether an editor split ``article_id`` out of ``story_id`` (never auto-join it back)."""
    found = session.scalar(_SPLIT, {"article_id": article_id, "story_id": story_id})
    return found is not None


def resolve(session: Session, story_id: int) -> int:
    """The story a (possibly merged-away) story id now lives in."""
    for _ in range(20):  # merges chain; a cycle cannot be made, but never loop forever
        target = session.scalar(_MERGED_INTO, {"story_id": story_id})
        if target is None:
            return story_id
        story_id = target
    return story_id


def join(session: Session, article: Article, match: Article, link: Link) -> Story | None:
    """Put ``article`` in ``match``'s story (made, with ``match`` as a member, when it had none).

    Returns None when an editor's split keeps ``article`` out of that story. The story is made
    inside a savepoint: when another process put ``match`` in a story first, the unique
    membership key refuses ours and we join theirs.
    """
    story = _story_of(session, match, link)
    if story is None or refused(session, article.id, story.id):
        return None
    _add_member(session, story, article, link)
    refresh_origin(session, story)
    if story.origin_article_id == article.id and link.relation in SYMMETRIC:
        # the new article is earlier than the old origin: that one is to it what it is to that
        former = membership(session, match.id)
        if former is not None and former.story_id == story.id and former.relation != "original":
            former.relation = link.relation
    session.flush()
    return story


def _story_of(session: Session, match: Article, link: Link) -> Story | None:
    """``match``'s story, made (in a savepoint, race-safe) when it has none."""
    current = membership(session, match.id)
    if current is not None:
        return session.get(Story, resolve(session, current.story_id))
    now = utcnow()
    try:
        with session.begin_nested():
            story = Story(
                origin_article_id=match.id,
                title=match.title,
                article_count=0,
                created_at=now,
                updated_at=now,
            )
            session.add(story)
            session.flush()
            session.add(
                StoryMember(
                    article_id=match.id,
                    story_id=story.id,
                    relation=link.match_relation,
                    confidence=1.0,
                    evidence={},
                    decided_by="auto",
                    created_at=now,
                    updated_at=now,
                )
            )
            session.flush()
    except IntegrityError:  # another writer made match's story first: join theirs
        session.expire_all()
        current = membership(session, match.id)
        return None if current is None else session.get(Story, resolve(session, current.story_id))
    match.story_id = story.id
    story.article_count = 1
    return story


def _add_member(session: Session, story: Story, article: Article, link: Link) -> None:
    if link.relation not in RELATIONS:
        raise StorageError(
            f"unknown story relation {link.relation!r} (expected one of {RELATIONS})"
        )
    now = utcnow()
    existing = membership(session, article.id)
    if existing is None:
        session.add(
            StoryMember(
                article_id=article.id,
                story_id=story.id,
                relation=link.relation,
                confidence=round(max(0.0, min(1.0, link.confidence)), 4),
                evidence=link.evidence,
                cited_article_id=link.cited_article_id,
                decided_by="auto",
                created_at=now,
                updated_at=now,
            )
        )
        story.article_count = (story.article_count or 0) + 1
    else:
        existing.story_id = story.id
        existing.relation = link.relation
        existing.confidence = link.confidence
        existing.evidence = link.evidence
        existing.cited_article_id = link.cited_article_id
        existing.updated_at = now
    article.story_id = story.id
    story.updated_at = now


def set_origin(session: Session, story: Story, article_id: int, evidence: dict[str, Any]) -> None:
    """Make ``article_id`` the story's origin (an attribution names it); the old origin's
    relation becomes what it is to the new one, recorded in ``evidence``."""
    member = membership(session, article_id)
    if member is None or member.story_id != story.id:
        return
    member.relation = "original"
    member.evidence = {**(member.evidence or {}), **evidence}
    story.origin_article_id = article_id
    origin = session.get(Article, article_id)
    if origin is not None:
        story.title = origin.title
    session.flush()


def refresh_origin(session: Session, story: Story) -> None:
    """Origin = the member cited as a source by another member (attribution wins), else the
    earliest publication."""
    rows = [
        (member, _Member(article_id, title, language))
        for member, article_id, title, language in session.execute(
            _ORIGIN_ROWS, {"story_id": story.id}
        )
    ]
    if not rows:
        return
    cited = {
        m.cited_article_id for m, _ in rows if m.cited_article_id and m.relation != "duplicate"
    }
    ids = {a.id for _, a in rows}
    roots = [a for m, a in rows if a.id in cited and (m.cited_article_id not in ids)]
    origin = roots[0] if roots else rows[0][1]
    story.origin_article_id = origin.id
    story.title = origin.title
    for member, art in rows:
        if art.id == origin.id and member.relation != "original":
            member.relation = "original"
        elif art.id != origin.id and member.relation == "original":
            member.relation = _relation_to(origin, art)


@dataclass(frozen=True)
class _Member:
    """What choosing a story's origin reads of a member's article."""

    id: int
    title: str | None
    language: str | None


def _relation_to(origin: _Member, article: _Member) -> str:
    """A former origin's relation to the new one: same language is a retelling (or copy)."""
    if origin.language and article.language and origin.language != article.language:
        return "translation"
    return "retelling"


def story_ids_of(session: Session, article_ids: list[int]) -> dict[int, int]:
    """Article id -> story id, for the members among ``article_ids``."""
    if not article_ids:
        return {}
    rows = session.execute(
        select(StoryMember.article_id, StoryMember.story_id).where(
            StoryMember.article_id.in_(article_ids)
        )
    )
    return {int(a): int(s) for a, s in rows}


def split(session: Session, story_id: int, article_id: int, editor: Editor) -> None:
    """Take an article out of a story and keep it out; recorded in the editorial history."""
    member = membership(session, article_id)
    if member is None or member.story_id != story_id:
        raise StorageError(f"article {article_id} is not in story {story_id}")
    story = session.get(Story, story_id)
    session.delete(member)
    article = session.get(Article, article_id)
    if article is not None:
        article.story_id = None
    session.add(
        StoryConstraint(
            kind="split", story_id=story_id, article_id=article_id, username=editor.username
        )
    )
    _history(session, article_id, editor, "split", {"story": story_id})
    session.flush()
    if story is not None:
        story.article_count = max(0, (story.article_count or 1) - 1)
        refresh_origin(session, story)
    session.flush()


def merge(session: Session, story_id: int, other_id: int, editor: Editor) -> Story:
    """Move every member of ``other_id`` into ``story_id``; later links to it go there too."""
    if story_id == other_id:
        raise StorageError("a story cannot be merged into itself")
    story, other = session.get(Story, story_id), session.get(Story, other_id)
    if story is None or other is None:
        raise StorageError(f"no story with id {story_id if story is None else other_id}")
    moved = session.execute(
        update(StoryMember)
        .where(StoryMember.story_id == other_id)
        .values(story_id=story_id, decided_by="editor", updated_at=utcnow())
    )
    session.execute(update(Article).where(Article.story_id == other_id).values(story_id=story_id))
    # Splits of the merged story now refuse the story it went into.
    session.execute(
        update(StoryConstraint)
        .where(StoryConstraint.kind == "split", StoryConstraint.story_id == other_id)
        .values(story_id=story_id)
    )
    session.add(
        StoryConstraint(
            kind="merge", story_id=story_id, other_story_id=other_id, username=editor.username
        )
    )
    count = int(getattr(moved, "rowcount", 0) or 0)
    story.article_count = (story.article_count or 0) + count
    session.execute(delete(Story).where(Story.id == other_id))
    session.flush()
    session.expire_all()
    story = session.get(Story, story_id)
    assert story is not None
    refresh_origin(session, story)
    if story.origin_article_id is not None:
        _history(
            session, story.origin_article_id, editor, "merge", {"into": story_id, "from": other_id}
        )
    session.flush()
    return story


def _history(
    session: Session, article_id: int, editor: Editor, action: str, detail: dict[str, Any]
) -> None:
    session.add(
        EditorialAction(
            article_id=article_id,
            user_id=editor.user_id,
            username=editor.username,
            action=action,
            detail=detail,
            created_at=utcnow(),
        )
    )


def recent_stories(
    session: Session, since: datetime, *, limit: int = 500
) -> list[tuple[Story, list[tuple[StoryMember, Article]]]]:
    """Stories updated since ``since``, newest first, each with its members."""
    stories = session.scalars(
        select(Story)
        .where(Story.updated_at >= since)
        .order_by(Story.updated_at.desc())
        .limit(limit)
    ).all()
    return [(story, members(session, story.id)) for story in stories]


def story_json(story: Story, rows: list[tuple[StoryMember, Article]]) -> dict[str, Any]:
    """A story as plain JSON (the ``stories`` command and the review page's API)."""
    origin = next((a for _, a in rows if a.id == story.origin_article_id), None)
    return {
        "id": story.id,
        "title": story.title,
        "origin": None if origin is None else _article_json(origin),
        "languages": sorted({a.language for _, a in rows if a.language}),
        "updated_at": story.updated_at.isoformat(),
        "members": [
            {
                **_article_json(article),
                "relation": member.relation,
                "confidence": member.confidence,
                "cites": member.cited_article_id,
                "decided_by": member.decided_by,
                "evidence": member.evidence,
            }
            for member, article in rows
        ],
    }


def _article_json(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "url": article.url,
        "title": article.title,
        "source": article.source.name if article.source is not None else None,
        "language": article.language,
        "published": article.published_at.isoformat() if article.published_at else None,
    }


def join_story(
    session: Session, article: Article, match: Article, *, similarity: float = 1.0
) -> Story | None:
    """A same-language near duplicate joins ``match``'s story (None: an editor split it out)."""
    evidence = {"near_duplicate": {"jaccard": round(similarity, 3)}}
    link = Link(relation="duplicate", confidence=similarity, evidence=evidence)
    return join(session, article, match, link)


def earliest(a: Article, b: Article) -> Article:
    """The copy that came first: by publication time, else first-seen time, else id."""
    return min((a, b), key=_appearance)


def _appearance(article: Article) -> tuple[datetime, int]:
    when = article.published_at or article.first_seen_at or utcnow()
    return when, article.id or 0
