"""Watches (``watches``, ``watch_aliases``, ``watch_hits``): names the desk follows, the
spellings they go by, and the articles that mention them.

A :class:`Watch` is a term, optionally limited to some sources or languages. Its
:class:`WatchAlias` rows are other spellings: an editor's (accepted at once) or proposed by
the aggregator (:mod:`aggregator.watch.aliases`), which only match once an editor accepts
them. A :class:`WatchHit` links an article to a watch, with the spelling that matched; one
per article and watch (unique), so matching the same article twice adds nothing.

Matching runs in two places, both through :mod:`aggregator.watch.matcher`:

- at store time, on each stored or updated article (:func:`match_stored`, called by the
  store pipeline with a :class:`~aggregator.watch.matcher.WatchSet` it compiles once per
  crawl and refreshes when :func:`watch_state` changes);
- once over everything already stored when a watch is added or an alias accepted
  (:func:`backfill`): keyset batches of :data:`BACKFILL_BATCH` articles, one transaction
  each, only the spellings not yet backfilled; each is marked done at the end, so a second
  backfill scans nothing.

Each new hit raises a ``watch_hit`` alert (:func:`storage.alerts.raise_alert`, dedupe key
per watch and article), which the alert channel delivers like any other kind.
"""

from __future__ import annotations

import hmac
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    Select,
    String,
    UniqueConstraint,
    delete,
    exists,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from aggregator.errors import StorageError
from aggregator.watch.aliases import (
    Proposal,
    article_tokens,
    script_of,
    story_candidates,
    term_size,
    transliteration_candidates,
)
from aggregator.watch.matcher import (
    MAX_TERM_CHARS,
    Hit,
    WatchLimits,
    WatchSet,
    compile_watches,
    normalise,
)
from storage.alerts import raise_alert
from storage.articles import Article
from storage.base import MAX_ID, Base, utcnow
from storage.db import session_scope
from storage.secrets import AppSecret, app_secret
from storage.sources import SourceRow

ALIAS_STATUSES = ("proposed", "accepted", "rejected")
ALIAS_ORIGINS = ("editor", "transliteration", "story")
BACKFILL_BATCH = 200
# Proposals read at most this many articles: newest first, bounded whatever the store holds.
PROPOSAL_SCAN = 2000
PROPOSAL_STORIES = 50
MAX_LIMITS = 50
ALERT_KIND = "watch_hit"
# Up to this many hits, a watch's page of the article list reads and sorts all its hits;
# beyond, it walks the list newest first and checks each row (bench/watch.py).
FEW_HITS = 1000


class Watch(Base):
    """A term the desk follows, with its optional source and language limits."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(MAX_TERM_CHARS))
    normalised: Mapped[str] = mapped_column(String(MAX_TERM_CHARS), unique=True)
    sources: Mapped[list[str]] = mapped_column(default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the term was matched against everything stored; None until then.
    backfilled_at: Mapped[datetime | None]

    aliases: Mapped[list[WatchAlias]] = relationship(
        back_populates="watch", cascade="all, delete-orphan", order_by="WatchAlias.id"
    )

    def limits(self) -> WatchLimits:
        return WatchLimits(frozenset(self.sources), frozenset(x.lower() for x in self.languages))

    def accepted(self) -> list[WatchAlias]:
        return [a for a in self.aliases if a.status == "accepted"]


class WatchAlias(Base):
    """Another spelling of a watch's term: proposed, accepted (it matches) or rejected."""

    __tablename__ = "watch_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(MAX_TERM_CHARS))
    normalised: Mapped[str] = mapped_column(String(MAX_TERM_CHARS))
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    origin: Mapped[str] = mapped_column(String(16), default="editor")
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    backfilled_at: Mapped[datetime | None]

    watch: Mapped[Watch] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("watch_id", "normalised", name="uq_watch_aliases_spelling"),)


class WatchHit(Base):
    """An article that mentions a watch: which spelling matched and the words found."""

    __tablename__ = "watch_hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    matched: Mapped[str] = mapped_column(String(MAX_TERM_CHARS))
    found: Mapped[str] = mapped_column(String(MAX_TERM_CHARS))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("watch_id", "article_id", name="uq_watch_hits_watch_article"),
        Index("ix_watch_hits_created", "created_at"),
    )


# --- watches and aliases ------------------------------------------------------------------


def _spelling(text: str, what: str) -> tuple[str, str]:
    """``text`` stripped and its normalised key; StorageError when nothing would match."""
    text = " ".join(text.split())
    if len(text) > MAX_TERM_CHARS:
        raise StorageError(f"{what} {text[:40]!r}… is longer than {MAX_TERM_CHARS} characters")
    key = normalise(text)
    if not key:
        raise StorageError(f"{what} {text!r} has no letter or digit to match")
    return text, key


def _limits(values: Iterable[str], what: str) -> list[str]:
    kept = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(kept) > MAX_LIMITS or any(len(v) > 64 for v in kept):
        raise StorageError(f"too many or too long {what} (at most {MAX_LIMITS}, 64 characters)")
    return kept


def add_watch(
    session: Session,
    term: str,
    *,
    aliases: Iterable[str] = (),
    sources: Iterable[str] = (),
    languages: Iterable[str] = (),
    created_by: str | None = None,
) -> Watch:
    """A new watch (its editor-given aliases accepted); StorageError for a term already
    watched (in any spelling that normalises alike) or one with nothing to match."""
    term, key = _spelling(term, "watch term")
    existing = session.scalar(select(Watch).where(Watch.normalised == key))
    if existing is not None:
        raise StorageError(f"{term!r} is already watched (watch {existing.id}: {existing.term!r})")
    now = utcnow()
    watch = Watch(
        term=term,
        normalised=key,
        sources=_limits(sources, "sources"),
        languages=[x.lower() for x in _limits(languages, "languages")],
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    session.add(watch)
    session.flush()
    for alias in aliases:
        add_alias(session, watch, alias, status="accepted", origin="editor", decided_by=created_by)
    return watch


def add_alias(
    session: Session,
    watch: Watch,
    text: str,
    *,
    status: str = "proposed",
    origin: str = "editor",
    evidence: dict[str, Any] | None = None,
    decided_by: str | None = None,
) -> WatchAlias | None:
    """Add a spelling to ``watch``; None when the term or an alias already spells it so."""
    if status not in ALIAS_STATUSES or origin not in ALIAS_ORIGINS:
        raise StorageError(f"unknown alias status {status!r} or origin {origin!r}")
    text, key = _spelling(text, "alias")
    if key == watch.normalised or any(a.normalised == key for a in watch.aliases):
        return None
    now = utcnow()
    alias = WatchAlias(
        text=text,
        normalised=key,
        status=status,
        origin=origin,
        evidence=evidence or {},
        created_at=now,
        decided_at=now if status != "proposed" else None,
        decided_by=decided_by if status != "proposed" else None,
    )
    watch.aliases.append(alias)
    watch.updated_at = now
    session.flush()
    return alias


def get_watch(session: Session, watch_id: int) -> Watch:
    """The watch with this id; LookupError naming it when there is none."""
    watch = session.get(Watch, watch_id) if 0 < watch_id <= MAX_ID else None
    if watch is None:
        raise LookupError(f"watch {watch_id} does not exist")
    return watch


def list_watches(session: Session) -> list[Watch]:
    """Every watch with its aliases, oldest first."""
    stmt = select(Watch).options(selectinload(Watch.aliases)).order_by(Watch.id)
    return list(session.scalars(stmt))


def remove_watch(session: Session, watch_id: int) -> Watch:
    """Delete a watch with its aliases and hits (the articles stay); LookupError if unknown."""
    watch = get_watch(session, watch_id)
    session.execute(delete(WatchHit).where(WatchHit.watch_id == watch_id))
    session.execute(delete(AppSecret).where(AppSecret.name == _token_name(watch_id)))
    session.delete(watch)
    session.flush()
    return watch


def decide_alias(
    session: Session, watch_id: int, alias_id: int, *, accept: bool, editor: str | None
) -> WatchAlias:
    """Accept or reject an alias; an accepted one is backfilled (again) on the next
    :func:`backfill`. LookupError when the alias is not one of this watch's."""
    alias = session.get(WatchAlias, alias_id) if 0 < alias_id <= MAX_ID else None
    if alias is None or alias.watch_id != watch_id:
        raise LookupError(f"watch {watch_id} has no alias {alias_id}")
    status = "accepted" if accept else "rejected"
    if alias.status != status:
        alias.status = status
        alias.decided_at = utcnow()
        alias.decided_by = editor
        alias.backfilled_at = None
        alias.watch.updated_at = alias.decided_at
        session.flush()
    return alias


def watch_state(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint of every watch and alias decision: it changes when the set of
    active spellings may have (the store pipeline recompiles its matcher then)."""
    row = session.execute(select(func.count(Watch.id), func.max(Watch.updated_at))).one()
    return tuple(row)


def active_watch_set(session: Session) -> WatchSet:
    """Every watch's term and accepted aliases, compiled for matching."""
    watches = list_watches(session)
    patterns = [(w.id, w.term) for w in watches]
    patterns += [(w.id, a.text) for w in watches for a in w.accepted()]
    return compile_watches(patterns, {w.id: w.limits() for w in watches})


# --- hits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleText:
    """What matching reads of an article."""

    id: int
    source: str | None
    language: str | None
    url: str
    title: str | None
    description: str | None
    body: str

    def texts(self) -> tuple[str | None, ...]:
        return (self.title, self.description, self.body)


_TEXT_COLUMNS: tuple[Any, ...] = (
    Article.id,
    SourceRow.name,
    Article.language,
    Article.url,
    Article.title,
    Article.description,
    Article.body,
)


def _text_select() -> Select[Any]:
    return select(*_TEXT_COLUMNS).join(SourceRow, SourceRow.id == Article.source_id)


def _article_text(row: Any) -> ArticleText:
    return ArticleText(*row)


def article_texts(session: Session, article_ids: Sequence[int]) -> list[ArticleText]:
    """The texts of these articles (for matching after they were stored)."""
    if not article_ids:
        return []
    rows = session.execute(_text_select().where(Article.id.in_(list(article_ids))))
    return [_article_text(r) for r in rows]


def match_stored(session: Session, watch_set: WatchSet, article_ids: Sequence[int]) -> int:
    """Match freshly stored or updated articles; the number of new hits."""
    if not len(watch_set):
        return 0
    found = [
        (article, hit)
        for article in article_texts(session, article_ids)
        for hit in watch_set.match(
            article.texts(), source=article.source, language=article.language
        )
    ]
    return record_hits(session, found)


def record_hits(session: Session, found: Sequence[tuple[ArticleText, Hit]]) -> int:
    """Store hits not stored yet and raise their alerts; the number of new ones."""
    if not found:
        return 0
    ids = {article.id for article, _ in found}
    watch_ids = {hit.watch_id for _, hit in found}
    stored = select(WatchHit.watch_id, WatchHit.article_id).where(
        WatchHit.article_id.in_(ids), WatchHit.watch_id.in_(watch_ids)
    )
    known = {(watch_id, article_id) for watch_id, article_id in session.execute(stored)}
    terms = {
        ident: term
        for ident, term in session.execute(
            select(Watch.id, Watch.term).where(Watch.id.in_(watch_ids))
        )
    }
    fresh: list[tuple[ArticleText, Hit]] = []
    for article, hit in found:
        if (hit.watch_id, article.id) not in known and hit.watch_id in terms:
            known.add((hit.watch_id, article.id))
            fresh.append((article, hit))
    inserted = _insert_hits(session, fresh)
    for article, hit in inserted:
        _alert(session, terms[hit.watch_id], article, hit)
    return len(inserted)


def _hit_row(article: ArticleText, hit: Hit) -> dict[str, Any]:
    return {
        "watch_id": hit.watch_id,
        "article_id": article.id,
        "matched": hit.matched[:MAX_TERM_CHARS],
        "found": hit.found[:MAX_TERM_CHARS],
        "created_at": utcnow(),
    }


def _insert_hits(
    session: Session, fresh: list[tuple[ArticleText, Hit]]
) -> list[tuple[ArticleText, Hit]]:
    """Insert new hits in one statement; when another writer stored one of them meanwhile
    (the unique key), one by one, skipping theirs. The hits this call inserted."""
    if not fresh:
        return []
    try:
        with session.begin_nested():
            session.execute(insert(WatchHit), [_hit_row(a, h) for a, h in fresh])
        return fresh
    except IntegrityError:
        pass
    inserted = []
    for article, hit in fresh:
        try:
            with session.begin_nested():
                session.execute(insert(WatchHit), [_hit_row(article, hit)])
            inserted.append((article, hit))
        except IntegrityError:
            continue
    return inserted


def _alert(session: Session, term: str, article: ArticleText, hit: Hit) -> None:
    title = (article.title or article.url)[:200]
    raise_alert(
        session,
        kind=ALERT_KIND,
        source_name=article.source,
        subject=term,
        message=f"watch {term!r} matched {hit.found!r} in {title!r}",
        details={
            "watch_id": hit.watch_id,
            "article_id": article.id,
            "url": article.url,
            "matched": hit.matched,
            "found": hit.found,
        },
        dedupe_key=f"{ALERT_KIND}:{hit.watch_id}:{article.id}",
    )


def hit_article_ids(watch_id: int) -> Select[Any]:
    """Ids of the articles a watch hit, for ``Article.id.in_(...)`` in the article filter:
    the database reads the watch's hits (cheap for counts and for a watch with few hits)."""
    return select(WatchHit.article_id).where(WatchHit.watch_id == watch_id)


def hit_by(watch_id: int, article_id: Any) -> ColumnElement[bool]:
    """``article_id`` was hit by the watch, checked row by row (one unique-index probe): lets
    a newest-first page walk the list's index and stop after a page of hits."""
    return exists().where(WatchHit.watch_id == watch_id, WatchHit.article_id == article_id)


def has_many_hits(session: Session, watch_id: int, more_than: int = FEW_HITS) -> bool:
    """Whether the watch hit more than ``more_than`` articles (counted up to that, no more)."""
    few = select(WatchHit.id).where(WatchHit.watch_id == watch_id).limit(more_than + 1)
    return int(session.scalar(select(func.count()).select_from(few.subquery())) or 0) > more_than


@dataclass(frozen=True)
class HitRow:
    """A hit with the article it is in, for listings and the watch's Atom feed."""

    hit: WatchHit
    article: Article


def list_hits(session: Session, watch_id: int, *, limit: int = 50) -> list[HitRow]:
    """A watch's hits, newest article first."""
    stmt = (
        select(WatchHit, Article)
        .join(Article, Article.id == WatchHit.article_id)
        .where(WatchHit.watch_id == watch_id)
        .order_by(Article.sort_at.desc(), Article.id.desc())
        .limit(max(1, min(limit, 500)))
    )
    return [HitRow(hit, article) for hit, article in session.execute(stmt)]


def hit_counts(session: Session, *, since: datetime | None = None) -> dict[int, int]:
    """Hits per watch (since ``since`` when given)."""
    stmt = select(WatchHit.watch_id, func.count()).group_by(WatchHit.watch_id)
    if since is not None:
        stmt = stmt.where(WatchHit.created_at >= since)
    return {key: n for key, n in session.execute(stmt)}


def count_hits_since(session: Session, since: datetime) -> int:
    """Every watch's hits recorded since ``since`` (the page header's count)."""
    stmt = select(func.count(WatchHit.id)).where(WatchHit.created_at >= since)
    return int(session.scalar(stmt) or 0)


# --- backfill -----------------------------------------------------------------------------


@dataclass
class BackfillResult:
    """What one backfill did: spellings it matched, articles it read, hits it added."""

    spellings: int = 0
    scanned: int = 0
    hits: int = 0


def _pending(session: Session, watch_id: int | None) -> tuple[WatchSet, list[tuple[str, int]]]:
    """The spellings never matched against the store, compiled; and what to mark done."""
    patterns: list[tuple[int, str]] = []
    todo: list[tuple[str, int]] = []
    limits: dict[int, WatchLimits] = {}
    for watch in list_watches(session):
        if watch_id is not None and watch.id != watch_id:
            continue
        limits[watch.id] = watch.limits()
        if watch.backfilled_at is None:
            patterns.append((watch.id, watch.term))
            patterns += [(watch.id, a.text) for a in watch.accepted()]
            todo.append(("watch", watch.id))
            todo += [("alias", a.id) for a in watch.accepted()]
            continue
        for alias in watch.accepted():
            if alias.backfilled_at is None:
                patterns.append((watch.id, alias.text))
                todo.append(("alias", alias.id))
    return compile_watches(patterns, limits), todo


def backfill(
    database_url: str, *, watch_id: int | None = None, batch: int = BACKFILL_BATCH
) -> BackfillResult:
    """Match every stored article against the spellings not backfilled yet (of one watch, or
    all), in keyset batches of ``batch`` articles, one transaction each; then mark them done.

    Never more than one batch of articles in memory. Articles stored meanwhile are matched at
    store time, and the unique (watch, article) key makes an overlap harmless.
    """
    with session_scope(database_url) as session:
        watch_set, todo = _pending(session, watch_id)
    result = BackfillResult(spellings=len(todo))
    if not todo:
        return result
    after = 0
    while True:
        with session_scope(database_url) as session:
            rows = session.execute(
                _text_select().where(Article.id > after).order_by(Article.id).limit(batch)
            )
            articles = [_article_text(r) for r in rows]
            if not articles:
                break
            found = [
                (a, h)
                for a in articles
                for h in watch_set.match(a.texts(), source=a.source, language=a.language)
            ]
            result.hits += record_hits(session, found)
        result.scanned += len(articles)
        after = articles[-1].id
    with session_scope(database_url) as session:
        _mark_done(session, todo)
    return result


def _mark_done(session: Session, todo: list[tuple[str, int]]) -> None:
    now = utcnow()
    for kind, ident in todo:
        row = session.get(Watch, ident) if kind == "watch" else session.get(WatchAlias, ident)
        if row is not None:
            row.backfilled_at = now


# --- alias proposals ----------------------------------------------------------------------


def propose_aliases(
    session: Session, watch_id: int, *, scan: int = PROPOSAL_SCAN
) -> list[WatchAlias]:
    """Propose spellings in other scripts (see :mod:`aggregator.watch.aliases`) from the
    newest ``scan`` articles and the stories of the watch's hits; the new proposals."""
    watch = get_watch(session, watch_id)
    known = {watch.normalised, *(a.normalised for a in watch.aliases)}
    runs, words, read = _sample_counts(session, scan, term_size(watch.term))
    proposals = transliteration_candidates(watch.term, runs, known=known)
    proposals += story_candidates(_story_tokens(session, watch), words, read, known=known)
    added = []
    for proposal in proposals:
        alias = _propose(session, watch, proposal)
        if alias is not None:
            added.append(alias)
    return added


def _propose(session: Session, watch: Watch, proposal: Proposal) -> WatchAlias | None:
    evidence = {"seen": proposal.seen, "why": proposal.evidence}
    return add_alias(session, watch, proposal.text, origin=proposal.origin, evidence=evidence)


def _sample_counts(
    session: Session, scan: int, size: int
) -> tuple[Counter[str], Counter[str], int]:
    """In how many of the newest ``scan`` articles each run of ``size`` words appears, and
    each (stemmed) word; and how many articles were read (one batch in memory at a time)."""
    runs: Counter[str] = Counter()
    words: Counter[str] = Counter()
    read = 0
    stmt = (
        select(Article.title, Article.description, Article.body)
        .order_by(Article.id.desc())
        .limit(scan)
        .execution_options(yield_per=BACKFILL_BATCH)
    )
    for row in session.execute(stmt):
        read += 1
        stemmed = article_tokens(*row, stemmed=True)
        words.update(stemmed)
        runs.update(stemmed if size == 1 else article_tokens(*row, size=size))
    return runs, words, read


def _story_tokens(session: Session, watch: Watch) -> list[set[str]]:
    """Per story with a hit: tokens of its articles in another script than the term that the
    watch did not hit."""
    script = script_of(watch.term)
    hit_ids = hit_article_ids(watch.id)
    stories = list(
        session.scalars(
            select(Article.story_id)
            .where(Article.id.in_(hit_ids), Article.story_id.is_not(None))
            .distinct()
            .limit(PROPOSAL_STORIES)
        )
    )
    if not stories:
        return []
    stmt = select(Article.story_id, Article.title, Article.description, Article.body).where(
        Article.story_id.in_(stories), Article.id.not_in(hit_ids)
    )
    per_story: dict[int, set[str]] = {}
    for story_id, *texts in session.execute(stmt):
        found = {t for t in article_tokens(*texts, stemmed=True) if script_of(t) != script}
        if found and story_id is not None:
            per_story.setdefault(story_id, set()).update(found)
    return list(per_story.values())


# --- the watch's Atom feed token ----------------------------------------------------------


def _token_name(watch_id: int) -> str:
    return f"watch_token:{watch_id}"


def watch_token(session: Session, watch_id: int) -> str:
    """The token that opens one watch's Atom feed (generated on first use, like exports')."""
    return app_secret(session, _token_name(watch_id))


def check_watch_token(session: Session, watch_id: int, token: str | None) -> bool:
    """Whether ``token`` opens this watch's feed (constant-time comparison)."""
    if not token or session.get(Watch, watch_id) is None:
        return False
    return hmac.compare_digest(watch_token(session, watch_id).encode(), token.encode())
