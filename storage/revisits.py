"""Revisits of stored articles: the policy's schedule, the due pick, what a revisit found that
is not a new text (unchanged 304, withdrawn 404/410), and the figures per source.

The schedule is stored on the article (``next_revisit_at``) when it is stored and after each
revisit, so picking the due revisits of a source is one range of the index
``ix_articles_revisit_due (source_id, next_revisit_at)``. Past the last step of ``after``, an
article is revisited once a day until ``approved_for`` after it was first seen, but picked
only while it is approved or published (``revisit_extended``): editors' articles are watched
longer at no cost for the others. A revisit that changed the text is stored by
:func:`storage.ingest.save_article` like any fetch (a revision with its diff); this module
records the others.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from aggregator.revisions.diff import bounded
from storage.alerts import raise_alert
from storage.articles import Article, ArticleRevision

EXPORTED = ("approved", "published")  # the statuses whose changes are alerts
EXTENDED_EVERY = timedelta(days=1)
ALERT_DIFF_CHARS = 5000  # an alert (and its webhook POST) carries this much of each diff
DEFAULT_AFTER = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
    timedelta(hours=72),
)


@dataclass(frozen=True)
class RevisitPolicy:
    """When to fetch a stored article again: ``after`` first seen (empty: never), and on for
    approved or published ones until ``approved_for``."""

    after: tuple[timedelta, ...] = DEFAULT_AFTER
    approved_for: timedelta = timedelta(days=14)

    def next_due(self, first_seen: datetime, now: datetime) -> tuple[datetime | None, bool]:
        """The next revisit after ``now`` and whether it is the approved-only extension;
        ``(None, False)`` when the schedule is over. Steps already past are skipped: a late
        revisit does not make the next one due at once."""
        if not self.after:
            return None, False
        for step in self.after:
            if first_seen + step > now:
                return first_seen + step, False
        last = first_seen + self.after[-1]
        due = last + EXTENDED_EVERY * ((now - last) // EXTENDED_EVERY + 1)
        if due > first_seen + self.approved_for:
            return None, False
        return due, True


def schedule(article: Article, policy: RevisitPolicy | None, now: datetime) -> None:
    """Set the article's next revisit from ``policy`` (None or off: no revisit)."""
    if policy is None or article.withdrawn_at is not None:
        article.next_revisit_at, article.revisit_extended = None, False
        return
    first_seen = article.first_seen_at or now
    article.next_revisit_at, article.revisit_extended = policy.next_due(first_seen, now)


@dataclass(frozen=True)
class DueRevisit:
    """A stored article to fetch again, with its own validators for a conditional GET."""

    article_id: int
    url: str
    etag: str | None
    last_modified: str | None


def due_revisits(session: Session, source_id: int, now: datetime, limit: int) -> list[DueRevisit]:
    """The source's revisits due at ``now``, most overdue first, at most ``limit``."""
    if limit <= 0:
        return []
    query = (
        select(Article.id, Article.url, Article.etag, Article.last_modified)
        .where(
            Article.source_id == source_id,
            Article.next_revisit_at <= now,
            or_(Article.revisit_extended.is_(False), Article.status.in_(EXPORTED)),
        )
        .order_by(Article.next_revisit_at)
        .limit(limit)
    )
    return [DueRevisit(*row) for row in session.execute(query)]


def changed_since_fetch(
    session: Session, source_id: int, updates: dict[str, datetime], limit: int
) -> list[DueRevisit]:
    """The source's stored articles a listing says changed after we last fetched them
    (``updates``: URL → the listing's update time), not withdrawn, at most ``limit``."""
    if limit <= 0 or not updates:
        return []
    found: list[DueRevisit] = []
    urls = list(updates)
    for start in range(0, len(urls), 500):
        query = select(
            Article.id, Article.url, Article.etag, Article.last_modified, Article.fetched_at
        ).where(
            Article.source_id == source_id,
            Article.url.in_(urls[start : start + 500]),
            Article.withdrawn_at.is_(None),
        )
        for article_id, url, etag, last_modified, fetched_at in session.execute(query):
            if fetched_at < updates[url]:
                found.append(DueRevisit(article_id, url, etag, last_modified))
    return found[:limit]


def revisit_after_listing(session: Session, urls: list[str], now: datetime) -> int:
    """Make the stored articles at ``urls`` due now (a listing said they changed)."""
    if not urls:
        return 0
    result = session.execute(
        update(Article)
        .where(Article.url.in_(urls), Article.withdrawn_at.is_(None))
        .values(next_revisit_at=now, revisit_extended=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def record_not_modified(
    session: Session, article_id: int, policy: RevisitPolicy | None, now: datetime
) -> None:
    """A revisit answered 304 (or the same text): counted, next one scheduled, no revision."""
    article = session.get(Article, article_id)
    if article is None:
        return
    article.revisits += 1
    schedule(article, policy, now)
    session.flush()


def record_withdrawn(session: Session, article_id: int, status: int, now: datetime) -> bool:
    """A revisit answered 404/410: the article is kept, marked withdrawn, with a revision of
    kind ``withdrawn`` (and an alert when editors approved it); False when it already was."""
    article = session.get(Article, article_id)
    if article is None or article.withdrawn_at is not None:
        return False
    revision = ArticleRevision(
        article_id=article.id,
        number=article.revision,
        title=article.title,
        body=article.body,
        body_hash=article.body_hash,
        changed=["withdrawn"],
        captured_at=now,
        kind="withdrawn",
        diff=None,
        notice=f"HTTP {status}",
    )
    session.add(revision)
    article.revision += 1
    article.revisits += 1
    article.withdrawn_at = now
    article.updated_at = now
    article.next_revisit_at, article.revisit_extended = None, False
    session.flush()
    correction_alert(session, article, revision)
    return True


def correction_alert(session: Session, article: Article, revision: ArticleRevision) -> None:
    """Raise the correction alert of ``revision`` when the article is approved or published."""
    if article.status not in EXPORTED:
        return
    source = article.source.name if article.source is not None else None
    what = {"withdrawn": "withdrawn", "correction": "corrected"}.get(revision.kind, "edited")
    fields = ", ".join(revision.changed or [])
    title = (article.title or article.url)[:200]
    message = f"{article.status.capitalize()} article {what}"
    message += f" ({fields}): {title}" if revision.kind != "withdrawn" else f": {title}"
    details: dict[str, Any] = {
        "kind": revision.kind,
        "article_id": article.id,
        "url": article.url,
        "status": article.status,
        "revision": revision.number + 1,
        "changed": list(revision.changed or []),
        "language": article.language,
        "notice": revision.notice,
        "diff": {
            part: bounded(ops, ALERT_DIFF_CHARS) for part, ops in (revision.diff or {}).items()
        },
    }
    raise_alert(
        session,
        kind="correction",
        source_name=source,
        subject=f"article {article.id}",
        message=message,
        details=details,
        dedupe_key=f"correction:{article.id}:{revision.number + 1}",
        now=revision.captured_at,
    )


@dataclass(frozen=True)
class RevisionEntry:
    """One revision for ``aggregator revisions``: what changed in an article, and when."""

    article_id: int
    url: str
    source: str
    number: int  # the revision the article became
    kind: str
    changed: list[str]
    at: datetime
    notice: str | None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types, ISO dates."""
        return {
            "article_id": self.article_id,
            "url": self.url,
            "source": self.source,
            "revision": self.number,
            "kind": self.kind,
            "changed": self.changed,
            "at": self.at.isoformat(),
            "notice": self.notice,
        }


def recent_revisions(
    session: Session, since: datetime, *, source_name: str | None = None, limit: int = 500
) -> list[RevisionEntry]:
    """Revisions captured since ``since``, newest first."""
    from storage.sources import SourceRow

    query = (
        select(ArticleRevision, Article.url, SourceRow.name)
        .join(Article, Article.id == ArticleRevision.article_id)
        .join(SourceRow, SourceRow.id == Article.source_id)
        .where(ArticleRevision.captured_at >= since)
        .order_by(ArticleRevision.captured_at.desc(), ArticleRevision.id.desc())
        .limit(limit)
    )
    if source_name is not None:
        query = query.where(SourceRow.name == source_name)
    return [
        RevisionEntry(
            rev.article_id,
            url,
            name,
            rev.number + 1,
            rev.kind,
            list(rev.changed or []),
            rev.captured_at,
            rev.notice,
        )
        for rev, url, name in session.execute(query)
    ]


def revisit_figures(session: Session, since: datetime | None = None) -> dict[str, dict[str, int]]:
    """Per source name: revisits done, revisions found (edits, corrections), withdrawals.

    Revisits and withdrawals are totals; revisions count those captured since ``since``
    (all when None)."""
    from storage.sources import SourceRow

    figures: dict[str, dict[str, int]] = defaultdict(empty_figures)
    totals = (
        select(
            SourceRow.name,
            func.coalesce(func.sum(Article.revisits), 0),
            func.count(Article.withdrawn_at),
        )
        .join(SourceRow, SourceRow.id == Article.source_id)
        .group_by(SourceRow.name)
    )
    for name, revisits, withdrawn in session.execute(totals):
        figures[name]["revisits"] = int(revisits)
        figures[name]["withdrawn"] = int(withdrawn)
    kinds = (
        select(SourceRow.name, ArticleRevision.kind, func.count())
        .join(Article, Article.id == ArticleRevision.article_id)
        .join(SourceRow, SourceRow.id == Article.source_id)
        .group_by(SourceRow.name, ArticleRevision.kind)
    )
    if since is not None:
        kinds = kinds.where(ArticleRevision.captured_at >= since)
    for name, kind, n in session.execute(kinds):
        if kind != "withdrawn":
            figures[name]["revisions"] += int(n)
        if kind == "correction":
            figures[name]["corrections"] += int(n)
    return dict(figures)


def empty_figures() -> dict[str, int]:
    """The figures of a source without any revisit yet."""
    return {"revisits": 0, "revisions": 0, "corrections": 0, "withdrawn": 0}
