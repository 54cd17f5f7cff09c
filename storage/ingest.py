"""Store one extracted article: new, updated, unchanged, or a duplicate of a stored one.

:func:`save_article` is the only way articles enter the database (the store pipeline, imports
and benchmarks all call it). It works inside the caller's transaction and only flushes, so a
failure anywhere rolls the whole article back: no article without its URLs, buckets or search
entry. The decision, in order:

1. a URL of the record (canonical or alias) is known → same article: **unchanged** when what
   a reader sees is the same (folded body, title, authors, publication date), else **updated**
   in place with an :class:`ArticleRevision` keeping the previous title/body, the changed
   fields, the word-level diff of title and body, and its kind: ``correction`` when the new
   text carries a correction notice the old did not, else ``edit`` (a new headline is an
   update, never a new item). An update of an approved or published article raises a
   ``correction`` alert in the same transaction. Either way the revisit is counted and the
   next one scheduled (:mod:`storage.revisits`);
2. a stored article has the same folded body → **duplicate**: the URLs are recorded
   (kind ``duplicate``) against the first copy, nothing else is stored;
3. otherwise a new article is **stored**; when LSH finds a verified near duplicate it is
   **near_duplicate**: stored as its own article but joined to the other copy's story.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, cast

from sqlalchemy import Table, bindparam, insert, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached

from aggregator.fingerprints.fingerprint import NUM_PERM, SHINGLE, Fingerprint, fingerprint
from aggregator.revisions.diff import word_diff
from aggregator.revisions.notices import new_notice
from aggregator.urls import url_twins
from storage.article_record import COLUMNS, ArticleRecord, clean_record
from storage.articles import Article, ArticleRevision, ArticleUrl
from storage.near_duplicates import exact_copy, near_match, same_text, set_buckets
from storage.revisits import correction_alert, schedule
from storage.search import index_article
from storage.stories import join_story
from storage.story_links import Linked, link_article, reindex_article

Outcome = Literal["stored", "near_duplicate", "updated", "unchanged", "duplicate"]
# Fields compared on re-fetch; a change to title or body makes a revision.
TRACKED = (
    "title",
    "body",
    "description",
    "authors",
    "published_at",
    "modified_at",
    "top_image",
    "section",
    "tags",
    "language",
)
TEXT_FIELDS = ("title", "body")
# What a reader sees: a change to one of these makes a revision (share counts, "updated 3
# minutes ago" stamps and ads are not fields; modified_at alone is not a change).
MEANINGFUL = ("title", "body", "authors", "published_at")
# Columns _apply sets by hand: the source and URL once, when the article is first stored (a
# re-fetch, maybe under an alias, never moves it); the text only when it changed; the others
# on every fetch, even to an empty value.
_BY_HAND = ("source_id", "url", *TEXT_FIELDS, "word_count", "paywalled", "fetched_at", "extraction")
# Every other column of the record: a value the page stopped giving keeps the stored one.
_KEPT = tuple(name for name in COLUMNS if name not in _BY_HAND)
# The article stored under a canonical URL (the unique index on articles.url); built once.
_ARTICLES = cast(Table, Article.__table__)
_URLS = cast(Table, ArticleUrl.__table__)
_ARTICLE_COLUMNS = inspect(Article).column_attrs
# The rows of a list of URLs (unique index on article_urls.url); one cached statement.
_URL_IDS = select(_URLS.c.id).where(_URLS.c.url.in_(bindparam("urls", expanding=True)))
_BY_URL = select(_ARTICLES.c.id).where(_ARTICLES.c.url == bindparam("url"))
# A publication date further ahead of the fetch than this is a page error, not the future.
FUTURE_SLACK = timedelta(hours=2)


@dataclass(frozen=True)
class SaveOutcome:
    """What :func:`save_article` did."""

    kind: Outcome
    article_id: int
    story_id: int | None = None
    duplicate_of: int | None = None  # duplicate: the first copy; near_duplicate: the match
    similarity: float | None = None
    changed: list[str] = field(default_factory=list)
    relation: str | None = None  # the article's relation in its story, when linked now


def save_article(session: Session, record: ArticleRecord, *, link: bool = True) -> SaveOutcome:
    """Store ``record`` (see the module docstring); flushes, never commits.

    ``link`` off (``AGGREGATOR_STORY_LINKING=false``) skips story linking and its candidate
    index (:mod:`storage.story_links`): the article joins a story only as a near duplicate.
    """
    record = clean_record(record)
    fp = record.fingerprint or fingerprint(record.body)
    urls = list(dict.fromkeys([record.url, *record.aliases]))
    known = _known_urls(session, urls)
    article = _same_article(session, record, fp, known) or _twin_article(session, record)
    if article is not None:
        return _refetched(session, article, record, fp, urls, known, link)
    copies = [row for row in known.values() if row.kind == "duplicate"]
    if copies:
        first = session.get(Article, copies[0].article_id)
        if first is not None and first.body_hash == fp.body_hash:
            _add_urls(session, first, record, urls, known, "duplicate")
            return SaveOutcome("unchanged", first.id, first.story_id, duplicate_of=first.id)
        for row in copies:  # this outlet's copy diverged: it becomes an article of its own
            session.delete(row)
            del known[row.url]
        session.flush()
    first = exact_copy(session, fp, paywalled=record.paywalled)
    if first is not None:
        _add_urls(session, first, record, urls, known, "duplicate")
        return SaveOutcome("duplicate", first.id, first.story_id, duplicate_of=first.id)
    return _store_new(session, record, fp, urls, known, link)


def _known_urls(session: Session, urls: list[str]) -> dict[str, ArticleUrl]:
    """The stored rows of ``urls`` (all variants in one query), by URL.

    A Core probe of the unique URL index first: most articles are new, and loading no ORM
    objects is cheaper than the ORM query that would find none.
    """
    ids = list(session.connection().scalars(_URL_IDS, {"urls": urls}))
    if not ids:
        return {}
    return {
        row.url: row for row in session.scalars(select(ArticleUrl).where(ArticleUrl.id.in_(ids)))
    }


def _same_article(
    session: Session, record: ArticleRecord, fp: Fingerprint, known: dict[str, ArticleUrl]
) -> Article | None:
    """The stored article this record is a new fetch of, if any.

    The canonical URL decides. An alias alone (the URL a feed gave before redirects) decides
    only when the stored text is the same article: a generic address such as ``/latest``
    that redirects to a different article each day must not turn tomorrow's article into an
    "update" of today's.
    """
    row = known.get(record.url)
    if row is not None:
        if row.kind == "duplicate":
            return None
        return session.get(Article, row.article_id)
    found = session.connection().scalar(_BY_URL, {"url": record.url})
    if found is not None:
        return session.get(Article, found)
    for row in known.values():
        if row.kind == "duplicate":
            continue
        candidate = session.get(Article, row.article_id)
        if candidate is not None and same_text(candidate, fp):
            return candidate
    return None  # an alias of another article stays where it points


def _twin_article(session: Session, record: ArticleRecord) -> Article | None:
    """The article stored under a twin of the record's URL (other scheme, ``www.`` or not:
    aggregator.urls.url_twins): the same address, so a new fetch of it, not a new article."""
    twins = url_twins(record.url)
    if not twins:
        return None
    for row in _known_urls(session, twins).values():
        if row.kind != "duplicate":
            return session.get(Article, row.article_id)
    return None


def _store_new(
    session: Session,
    record: ArticleRecord,
    fp: Fingerprint,
    urls: list[str],
    known: dict[str, ArticleUrl],
    link: bool,
) -> SaveOutcome:
    article = Article(
        source_id=record.source_id,
        url=record.url,
        first_seen_at=record.fetched_at,
        revision=1,
        status="new",
    )
    _apply(article, record, fp)
    schedule(article, record.revisit, record.fetched_at)
    article.id = _insert_article(session, article)
    _add_urls(session, article, record, urls, known, "alias")
    match = None if record.paywalled else near_match(session, fp, exclude=article.id)
    set_buckets(session, article.id, fp, replace=False)
    index_article(session, article)
    stored = _persistent(session, article)
    other = None if match is None else session.get(Article, match.article_id)
    story = None
    if match is not None and other is not None:
        story = join_story(session, stored, other, similarity=match.similarity)
        session.flush()
    # Cross-language and cross-outlet links (and the candidate index) for every new article
    # unless linking is off; a near duplicate has its story already.
    linked = (
        link_article(session, stored, joined=story is not None, inputs=record.story)
        if link
        else Linked(None, None, None, 0)
    )
    if story is None or match is None or other is None:
        return SaveOutcome("stored", article.id, linked.story_id, relation=linked.relation)
    return SaveOutcome(
        "near_duplicate",
        article.id,
        story.id,
        duplicate_of=other.id,
        similarity=match.similarity,
        relation="duplicate",
    )


def _insert_article(session: Session, article: Article) -> int:
    """Insert the (transient) ``article`` with one Core statement; returns its new id.

    The ORM unit of work cost more per article than everything else the store path writes;
    the article is only read back (``session.get``) when a near duplicate needs its story.
    Columns the article does not set get their defaults, as with ``session.add``.
    """
    table = _ARTICLES
    state = inspect(article).dict
    values = {
        attr.columns[0].key: state[attr.key] for attr in _ARTICLE_COLUMNS if attr.key in state
    }
    return int(
        session.connection().execute(insert(table).returning(table.c.id), values).scalar_one()
    )


def _persistent(session: Session, article: Article) -> Article:
    """The just-inserted ``article`` as the session's object for its row, without reading the
    row back (loading it, body and all, cost a tenth of the store path): the values it holds
    are those inserted; the columns left to their defaults are loaded on first use."""
    make_transient_to_detached(article)
    session.add(article)
    return article


def _refetched(
    session: Session,
    article: Article,
    record: ArticleRecord,
    fp: Fingerprint,
    urls: list[str],
    known: dict[str, ArticleUrl],
    link: bool,
) -> SaveOutcome:
    _add_urls(session, article, record, urls, known, "alias")
    changed = _changes(article, record, fp)
    if record.revisited:
        article.revisits += 1
    if not any(name in changed for name in MEANINGFUL):
        _apply(article, record, fp, text=False)
        article.fetched_at = record.fetched_at
        schedule(article, record.revisit, record.fetched_at)
        session.flush()
        return SaveOutcome("unchanged", article.id, article.story_id, changed=changed)
    revision = _revision(article, record, changed)
    session.add(revision)
    _apply(article, record, fp)
    article.revision += 1
    article.updated_at = record.fetched_at
    article.withdrawn_at = None  # back after a 404: a revision like any other
    schedule(article, record.revisit, record.fetched_at)
    session.flush()
    if "body" in changed:
        set_buckets(session, article.id, fp)
        if link:
            reindex_article(session, article)
    index_article(session, article)
    correction_alert(session, article, revision)
    return SaveOutcome("updated", article.id, article.story_id, changed=changed)


def _revision(article: Article, record: ArticleRecord, changed: list[str]) -> ArticleRevision:
    """The revision keeping the stored state, with the diff to the record and its kind."""
    diff = {}
    if "title" in changed:
        diff["title"] = word_diff(article.title, record.title)
    if "body" in changed:
        diff["body"] = word_diff(article.body, record.body)
    notice = new_notice(
        f"{article.title or ''}\n{article.body}", f"{record.title or ''}\n{record.body}"
    )
    return ArticleRevision(
        article_id=article.id,
        number=article.revision,
        title=article.title,
        body=article.body,
        body_hash=article.body_hash,
        changed=changed,
        captured_at=record.fetched_at,
        kind="correction" if notice else "edit",
        diff=diff,
        notice=notice,
    )


def _changes(article: Article, record: ArticleRecord, fp: Fingerprint) -> list[str]:
    """Tracked fields whose new value differs (the body compared by its folded hash)."""
    changed = []
    for name in TRACKED:
        if name == "body":
            if article.body_hash != fp.body_hash:
                changed.append(name)
        elif name == "title":
            if " ".join((article.title or "").split()) != " ".join((record.title or "").split()):
                changed.append(name)
        elif getattr(record, name) and getattr(article, name) != getattr(record, name):
            changed.append(name)  # a field the page stopped giving keeps its old value
    return changed


def _apply(article: Article, record: ArticleRecord, fp: Fingerprint, *, text: bool = True) -> None:
    """Copy the record's columns onto the article (text fields only when ``text``)."""
    if text:
        article.title = record.title
        article.body = record.body
        article.body_hash = fp.body_hash
        article.minhash = fp.signature_bytes()
        article.word_count = record.word_count or fp.words
    for name in _KEPT:
        value = getattr(record, name)
        if value or getattr(article, name, None) is None:
            setattr(article, name, value)
    article.paywalled = record.paywalled
    article.fetched_at = record.fetched_at
    article.extraction = {
        **record.extraction,
        "fingerprint": {
            "words": fp.words,
            "shingles": fp.shingles,
            "shingle": SHINGLE,
            "perm": NUM_PERM,
        },
    }
    article.sort_at = _sort_time(article.published_at, article.first_seen_at or record.fetched_at)


def _sort_time(published: datetime | None, first_seen: datetime) -> datetime:
    """Newest-first position: the publication time, unless it is missing or in the future."""
    if published is None or published > first_seen + FUTURE_SLACK:
        return first_seen
    return published


def _add_urls(
    session: Session,
    article: Article,
    record: ArticleRecord,
    urls: list[str],
    known: dict[str, ArticleUrl],
    kind: str,
) -> None:
    """Record the URLs not yet known as leading to ``article``.

    ``kind`` is ``duplicate`` for another copy's URLs; otherwise the article's own URL is
    ``canonical`` and the others are ``alias``. One Core executemany: ORM objects for rows
    nobody reads again cost a flush each.
    """
    rows = [
        {
            "url": url,
            "article_id": article.id,
            "source_id": record.source_id,
            "kind": kind
            if kind == "duplicate"
            else ("canonical" if url == article.url else "alias"),
            "first_seen_at": record.fetched_at,
        }
        for url in urls
        if url not in known
    ]
    if rows:
        session.connection().execute(insert(_URLS), rows)


__all__ = ["ArticleRecord", "SaveOutcome", "save_article"]
