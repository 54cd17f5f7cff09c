"""Linking at store time: a new article joins the story it translates, retells or copies.

Called by :func:`storage.ingest.save_article` inside the transaction that stores the article
(so a crash leaves neither the article nor its links). In order:

1. its features (:mod:`aggregator.stories.features`) go into the candidate index and its
   attributions (:mod:`aggregator.stories.attribution`) into ``citations``;
2. unless LSH already found a same-language near duplicate, the index gives the recent
   articles sharing the most weight of features; each is scored
   (:func:`aggregator.stories.score.score`), with a lower bar when the new article credits
   the candidate's outlet or URL; the best that passes gives the story, and an editor's split
   is respected;
3. citations by stored articles that credit this one (its URL, or its outlet with a matching
   text) are resolved: a late original becomes its story's origin.

The relation: crediting the candidate makes a ``translation`` (other language) or a
``republication`` (same language); otherwise a strong cross-language match is a
``translation`` and the rest ``retelling``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aggregator.stories.attribution import attributions, source_keys
from aggregator.stories.features import KIND_WEIGHT, story_features
from aggregator.stories.inputs import StoryInputs, story_inputs
from aggregator.stories.score import Match, Profile, Stats, confidence, score
from storage.articles import Article, ArticleUrl
from storage.citations import (
    Citation,
    citing,
    insert_citations,
    new_citations,
    resolve_outlet,
)
from storage.sources import SourceRow
from storage.stories import Link, Story, join, membership, refresh_origin
from storage.story_index import (
    Candidate,
    add_profile,
    frequencies,
    lookup,
    profile,
    remove_profile,
    window,
)

TRANSLATION_RATIO = 2.0  # an uncredited match this far over its bar is a translation...
TRANSLATION_LENGTH = 0.65  # ...when about as long as the other: a retelling tells less
_URLS = cast(Table, ArticleUrl.__table__)
_URL_OWNERS = select(_URLS.c.url, _URLS.c.article_id).where(
    _URLS.c.url.in_(bindparam("urls", expanding=True))
)
_SOURCES = cast(Table, SourceRow.__table__)
_ARTICLES = cast(Table, Article.__table__)
# The outlet names of candidate articles; built once (building it cost more than running it).
_OUTLETS_OF = (
    select(
        _ARTICLES.c.id,
        _ARTICLES.c.site_name,
        _SOURCES.c.name,
        _SOURCES.c.label,
        _SOURCES.c.homepage,
    )
    .join(_SOURCES, _SOURCES.c.id == _ARTICLES.c.source_id)
    .where(_ARTICLES.c.id.in_(bindparam("ids", expanding=True)))
)
_SOURCE_NAMES = select(_SOURCES.c.name, _SOURCES.c.label, _SOURCES.c.homepage).where(
    _SOURCES.c.id == bindparam("id")
)


@dataclass(frozen=True)
class Linked:
    """What linking did for a new article."""

    story_id: int | None
    relation: str | None
    via: int | None
    citations: int


def link_article(
    session: Session, article: Article, *, joined: bool, inputs: StoryInputs | None = None
) -> Linked:
    """Index ``article``, record its citations and link it (``joined``: LSH already did).

    ``inputs``: the story inputs of its stored title and body when the caller has them (a
    crawl computes them in the extraction process); else they are computed here.
    """
    if inputs is None:
        inputs = story_inputs(article.title, article.body or "")
    at = _time(article)
    positions = inputs.features
    extraction = article.extraction or {}
    links = [(link["url"], link.get("anchor", "")) for link in extraction.get("body_links", ())]
    found = attributions(
        article.body or "",
        page_url=article.url,
        canonical=extraction.get("declared_canonical"),
        links=links,
        in_text=inputs.cited,
    )
    rows = new_citations(article.id, found)
    _resolve_urls(session, rows)  # before they are written: no update after the insert
    insert_citations(session, rows)
    story: Story | None = None
    relation = via = stats = None
    if not joined:  # looked up before it is indexed: the frequencies are the others'
        story, relation, via, stats = _join_best(session, article, positions, at, rows)
    add_profile(session, article.id, article.language, at, positions, list(positions))
    credited = _credited_by_others(session, article, positions, at, stats)
    # In no story unless LSH, a match or a citer put it in one (most articles: no query).
    member = membership(session, article.id) if joined or story or credited else None
    return Linked(
        member.story_id if member else (story.id if story else None), relation, via, len(rows)
    )


def _time(article: Article) -> datetime:
    return article.published_at or article.first_seen_at


def _resolve_urls(session: Session, rows: list[Citation]) -> None:
    """A cited URL that is stored names its article (one query for all: a page's body links
    make up to ten citations, each with its URL)."""
    urls = sorted({row.url for row in rows if row.url})
    if not urls:
        return
    owners = {
        url: int(owner) for url, owner in session.connection().execute(_URL_OWNERS, {"urls": urls})
    }
    for row in rows:
        owner = owners.get(row.url) if row.url else None
        if owner is not None and owner != row.article_id:
            row.cited_article_id = owner


def _join_best(
    session: Session,
    article: Article,
    positions: dict[str, float],
    at: datetime,
    cites: list[Citation],
) -> tuple[Story | None, str | None, int | None, Stats]:
    """The story of the best candidate that passes, the relation, the candidate; and the
    window statistics of the new article's keys, counting itself (for
    :func:`_credited_by_others`)."""
    weights = {k: KIND_WEIGHT.get(k[0], 1.0) for k in positions}
    found = lookup(
        session, list(positions), weights, at, exclude=article.id, language=article.language
    )
    stats = Stats(found.total + 1, _with_self(found.df, positions, article.language))
    if not found.candidates:
        return None, None, None, stats
    mine = Profile(article.language, positions)
    keys_of = _source_keys(session, [c.article_id for c in found.candidates])
    cited_keys = {c.outlet_key for c in cites if c.outlet_key}
    cited_ids = {c.cited_article_id for c in cites if c.cited_article_id}
    ranked: list[tuple[float, int, Match, bool]] = []
    for cand in found.candidates:
        # A cited URL credits one article; a cited outlet's name credits all it publishes, so
        # its article must match at the uncredited bar (another of its reports on the same
        # company, stored first, would otherwise take the credit), as a late one must
        # (_credited_by_others).
        by_url = cand.article_id in cited_ids
        match = score(mine, Profile(cand.language, cand.features), stats, cited=by_url)
        if match.passed and not by_url and match.score < TRANSLATION_RATIO * match.threshold:
            match = _confirm(session, mine, cand, stats, at)
        credited = by_url or (
            match.passed and bool(cited_keys & keys_of.get(cand.article_id, set()))
        )
        if match.passed:
            ranked.append(
                (match.score + (1.0 if credited else 0.0), cand.article_id, match, credited)
            )
    for _, cand_id, match, credited in sorted(ranked, key=lambda r: (-r[0], r[1])):
        other = session.get(Article, cand_id)
        if other is None:
            continue
        link = _link(article, other, match, credited, cites, at)
        story = join(session, article, other, link)
        if story is not None:
            if credited:
                resolve_outlet(session, cites, keys_of.get(cand_id, set()), other.id)
            passed = {c: m for _, c, m, _ in ranked if c != cand_id}
            orphans = [c for c in found.candidates if c.article_id in passed]
            _pull_in(session, article, mine, stats, orphans, passed, at)
            return story, link.relation, cand_id, stats
    return None, None, None, stats


def _pull_in(
    session: Session,
    article: Article,
    mine: Profile,
    stats: Stats,
    candidates: list[Candidate],
    matches: dict[int, Match],
    at: datetime,
) -> None:
    """Earlier articles in no story that the new one matches join its story too: an
    uncredited translation stored before its original's other translations is matched by
    them but, story-less and already stored, would otherwise stay alone. The match must be
    twice the bar on the lookup's frequencies and still pass once the candidate's own keys
    are counted (:func:`_confirm`): the bar it would have met had it arrived after them."""
    for cand in candidates:
        if membership(session, cand.article_id) is not None:
            continue
        match = matches[cand.article_id]
        if match.score < TRANSLATION_RATIO * match.threshold:
            continue
        match = _confirm(session, mine, cand, stats, at)
        if not match.passed:
            continue
        other = session.get(Article, cand.article_id)
        if other is None:
            continue
        link = _link(other, article, match, False, [], _time(other))
        try:
            with session.begin_nested():
                join(session, other, article, link)
        except IntegrityError:  # another writer linked it meanwhile: its story stands
            session.expire_all()


def _confirm(session: Session, mine: Profile, cand: Candidate, stats: Stats, at: datetime) -> Match:
    """Score a borderline match again with the window frequencies of the candidate's own
    keys. The lookup counts only the new article's keys, so the candidate's other names
    look like words of one language and leave its norm: a report sharing two names with
    it ("Josef Ackermann", "Deutsche Bank") then passes. Counting them costs one indexed
    query, paid only for the few matches between the bar and twice it."""
    missing = [k for k in cand.features if k not in stats.by_language]
    if not missing:
        return score(mine, Profile(cand.language, cand.features), stats)
    found, _ = frequencies(session, missing, at)
    counts = {**stats.by_language, **found}
    return score(mine, Profile(cand.language, cand.features), Stats(stats.total, counts))


def _with_self(
    df: dict[str, dict[str, int]], positions: dict[str, float], language: str | None
) -> dict[str, dict[str, int]]:
    """The window frequencies counting the new article itself."""
    out = {k: dict(v) for k, v in df.items()}
    for key in positions:
        langs = out.setdefault(key, {})
        langs[language or "?"] = langs.get(language or "?", 0) + 1
    return out


def _source_keys(session: Session, article_ids: list[int]) -> dict[int, set[str]]:
    """Article id -> the outlet keys of its source (name, label, site name, homepage)."""
    if not article_ids:
        return {}
    rows = session.connection().execute(_OUTLETS_OF, {"ids": article_ids})
    return {int(r[0]): set(_outlet_keys(r[2], r[3], r[1], r[4])) for r in rows}


@lru_cache(maxsize=4096)
def _outlet_keys(
    name: str | None, label: str | None, site_name: str | None, homepage: str | None
) -> tuple[str, ...]:
    """:func:`source_keys` of one outlet's names, remembered: every lookup asks them for up
    to eight candidates, and for the new article's own outlet, among the few outlets a
    crawl stores (folding a name runs a dozen regular expressions)."""
    return tuple(source_keys(name, label, site_name, homepage))


def _link(
    article: Article,
    other: Article,
    match: Match,
    credited: bool,
    cites: list[Citation],
    at: datetime,
) -> Link:
    same_language = article.language == other.language
    if credited:
        relation = "republication" if same_language else "translation"
    elif (
        not same_language
        and match.score >= TRANSLATION_RATIO * match.threshold
        and _length_ratio(article, other) >= TRANSLATION_LENGTH
    ):
        relation = "translation"
    else:
        relation = "retelling"
    other_at = _time(other)
    evidence: dict[str, Any] = {
        "score": match.score,
        "threshold": match.threshold,
        "shared": _shared(match.aligned),
        "time": "after" if at >= other_at else "before",
        "via": other.id,
    }
    if credited:
        cite = next((c for c in cites if c.outlet or c.url), None)
        if cite is not None:
            evidence["attribution"] = {
                "kind": cite.kind,
                "outlet": cite.outlet,
                "url": cite.url,
                "sentence": cite.sentence,
            }
    value = 1.0 if credited and match.score >= match.threshold * 2 else confidence(match)
    return Link(
        relation,
        value,
        evidence,
        cited_article_id=other.id if credited else None,
        match_relation="original",
    )


def _length_ratio(a: Article, b: Article) -> float:
    """Shorter body over longer, in characters (scripts differ less in characters than in
    words)."""
    x, y = len(a.body or ""), len(b.body or "")
    return min(x, y) / max(x, y, 1)


def _shared(keys: list[str]) -> dict[str, list[str]]:
    """The evidence's "what matched", by kind, the most telling first (bounded)."""
    names = {
        "n": "numbers",
        "y": "years",
        "e": "names",
        "k": "skeletons",
        "q": "quotes",
        "u": "urls",
        "c": "places",
        "l": "languages",
        "t": "dates",
        "m": "months",
        "d": "weekdays",
        "$": "currencies",
    }
    out: dict[str, list[str]] = {}
    for key in keys[:30]:
        out.setdefault(names.get(key[0], key[0]), []).append(key[2:][:80])
    return out


def _credited_by_others(
    session: Session,
    article: Article,
    positions: dict[str, float],
    at: datetime,
    stats: Stats | None,
) -> bool:
    """Stored articles that credit this one's URL (or outlet, with matching text) now cite
    it: it becomes the origin of their story, or joins it as its original. Whether one
    did. ``stats``: the lookup's window statistics of our keys, when it ran."""
    name, label, homepage = _source_names(session, article.source_id)
    keys = _outlet_keys(name, label, article.site_name, homepage)
    urls = [article.url]
    found = citing(session, urls, list(keys), source_id=article.source_id)
    rows = [r for r in found if r.article_id != article.id]
    if not rows:
        return False
    mine = Profile(article.language, positions)
    credited = False
    for row in rows:
        citer = session.get(Article, row.article_id)
        if citer is None:  # citing() already left out its own outlet's pages
            continue
        if row.url != article.url and not _same_story(session, mine, citer, at, stats):
            continue
        row.cited_article_id = article.id
        _adopt(session, article, citer, row)
        credited = True
    return credited


_Names = tuple[str | None, str | None, str | None]


def _source_names(session: Session, source_id: int) -> _Names:
    """An article's source's (name, label, homepage), held by the session for its
    transaction: read with one Core statement (an ORM ``get`` of the row cost three times
    the query), once per source and batch rather than once per article."""
    held: dict[int, _Names] = session.info.setdefault("story_links.sources", {})
    if source_id not in held:
        row = session.connection().execute(_SOURCE_NAMES, {"id": source_id}).first()
        held[source_id] = (None, None, None) if row is None else (row[0], row[1], row[2])
    return held[source_id]


def _same_story(
    session: Session, mine: Profile, citer: Article, at: datetime, stats: Stats | None
) -> bool:
    """Whether a citer that names our outlet (not our URL) tells our story.

    Held to the bar of an uncredited match: an outlet's name alone credits every article it
    publishes, and the first of them to arrive would otherwise become the cited original
    however little of the citer it tells (another report on the same company, say). With the
    lookup's ``stats`` only the citer's other keys are counted (:func:`_confirm`); without
    (a near duplicate skips the lookup), all of both, now that the article is indexed."""
    theirs = profile(session, citer.id)
    if theirs is None or abs(theirs.at - at) > window():
        return False
    if stats is None:
        keys = sorted(set(mine.positions) | set(theirs.features))
        df, total = frequencies(session, keys, at)  # both count the article itself
        stats = Stats(total, df)
    return _confirm(session, mine, theirs, stats, at).passed


def _adopt(session: Session, original: Article, citer: Article, row: Citation) -> None:
    """``citer`` credits ``original``: record it on citer's membership and make ``original``
    its story's origin (joining the story when it is in none)."""
    member = membership(session, citer.id)
    evidence = {
        "attribution": {
            "kind": row.kind,
            "outlet": row.outlet,
            "url": row.url,
            "sentence": row.sentence,
        }
    }
    if member is None:
        link = Link("original", 1.0, evidence, match_relation="translation")
        story = join(session, original, citer, link)
        member = membership(session, citer.id)
        if story is None or member is None:
            return
    elif membership(session, original.id) is None:
        story = join(session, original, citer, Link("original", 1.0, {}))
        if story is None:
            return
    relation = "republication" if citer.language == original.language else "translation"
    member.cited_article_id = original.id
    member.relation = relation
    member.evidence = {**(member.evidence or {}), **evidence}
    story = session.get(Story, member.story_id)
    if story is not None:
        session.flush()
        refresh_origin(session, story)
    session.flush()


def reindex_article(session: Session, article: Article) -> None:
    """A changed body: its features in the index are replaced (its story stays)."""
    remove_profile(session, article.id)
    positions = story_features(article.title, article.body or "").to_json()
    add_profile(session, article.id, article.language, _time(article), positions, list(positions))
