"""The story candidate index: features of recent articles -> article ids, in the database.

Two tables, shared by every crawler process:

* ``story_features`` (feature hash, article id, time): one posting per feature of an article
  (a number, a year, a name's letters or consonant skeleton, a quote, a cited URL; see
  :mod:`aggregator.stories.features`). Its key ``(feature, article_id)`` and the covering
  index ``(feature, at, language, article_id)`` make a lookup a handful of index range scans
  whatever the table size;
* ``story_profiles`` (article id, language, time, features): what the scorer compares.

A lookup is bounded by a time window around the new article's time (default 14 days,
``AGGREGATOR_STORY_WINDOW_DAYS``), so old news never matches and the scan stays small.
Document frequencies come from the index itself, inside the window: a feature shared by many
recent articles ("2019", "Trump") weighs little, and one shared by more than
:data:`MAX_DF` is not looked up at all.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import NullType

from storage.base import Base

DEFAULT_WINDOW = timedelta(days=14)
MAX_DF = 60  # a feature in more recent articles than this is not used to find candidates
RAREST = 30  # candidates come from the postings of this many rarest features
MAX_CANDIDATES = 8
MAX_FEATURES = 120  # per article: the page is hostile, the index row count is bounded
COUNTED = 2 * MAX_DF  # postings of one feature counted exactly in a lookup; beyond, estimated


class StoryFeature(Base):
    """One posting of the candidate index."""

    __tablename__ = "story_features"

    feature: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime]
    # The article's language: a key seen in two languages is a name or a figure, not a word.
    language: Mapped[str | None] = mapped_column(String(8))

    __table_args__ = (
        # Covers both lookup statements (frequencies by language, postings): index only.
        Index("ix_story_features_lookup", "feature", "at", "language", "article_id"),
        Index("ix_story_features_article", "article_id"),
    )


class StoryProfile(Base):
    """An article's story features, as the scorer reads them."""

    __tablename__ = "story_profiles"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str | None] = mapped_column(String(8))
    at: Mapped[datetime]
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (Index("ix_story_profiles_at", "at"),)


_FEATURES = cast(Table, StoryFeature.__table__)
_PROFILES = cast(Table, StoryProfile.__table__)
_AT = _FEATURES.c.at.type


def _converted(dialect: Dialect, moment: datetime) -> Any:
    """``moment`` as the ``at`` column's bind processor hands it to the driver: converting
    a UTC time for SQLite (check, zone, text) costs more than the statement around it when
    one value is bound a hundred times (the window bounds in every branch of
    :func:`_frequency_statement`, an article's time in each of its postings), so the
    statements that do are given it converted, once."""
    process = _AT.dialect_impl(dialect).bind_processor(dialect)
    return moment if process is None else process(moment)


def _result_converter(dialect: Dialect) -> Any:
    """The ``at`` column's result processor (a callable or None), to apply by hand."""
    return _AT.dialect_impl(dialect).result_processor(dialect, None)


@dataclass(frozen=True)
class Candidate:
    """A recent article sharing features with the new one."""

    article_id: int
    language: str | None
    at: datetime
    features: dict[str, Any]


@dataclass(frozen=True)
class Lookup:
    """Candidates and the window statistics the scorer weighs features with."""

    candidates: list[Candidate]
    # feature key -> {language: recent articles holding it}, for the new article's keys and
    # the candidates' keys
    df: dict[str, dict[str, int]]
    total: int  # recent articles in the window


def window() -> timedelta:
    """The lookup window: AGGREGATOR_STORY_WINDOW_DAYS days (default 14)."""
    raw = os.environ.get("AGGREGATOR_STORY_WINDOW_DAYS")
    if not raw:
        return DEFAULT_WINDOW
    try:
        days = float(raw)
    except ValueError:
        raise ValueError(
            f"AGGREGATOR_STORY_WINDOW_DAYS must be a number of days, not {raw!r}"
        ) from None
    if days <= 0:
        raise ValueError(f"AGGREGATOR_STORY_WINDOW_DAYS must be positive, not {raw!r}")
    return timedelta(days=days)


@lru_cache(maxsize=1 << 16)
def feature_hash(key: str) -> int:
    """A feature's 64-bit signed key (BIGINT on both databases).

    Cached: one article's keys are hashed by its lookup, its postings and the frequency
    counts of later matches, and names, years and numbers recur across articles.
    """
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def add_profile(
    session: Session,
    article_id: int,
    language: str | None,
    at: datetime,
    features: dict[str, Any],
    keys: list[str],
) -> None:
    """Index a new article: its profile row and one posting per distinct feature key
    (their time converted once for all: :func:`_converted`)."""
    connection = session.connection()
    connection.execute(
        insert(_PROFILES),
        {"article_id": article_id, "language": language, "at": at, "features": features},
    )
    hashes = sorted({feature_hash(k) for k in keys[:MAX_FEATURES]})
    if not hashes:
        return
    dialect = connection.dialect
    stored_at = _converted(dialect, at)
    if dialect.name == "postgresql":
        connection.exec_driver_sql(_POSTINGS_FROM_ARRAY, (article_id, stored_at, language, hashes))
    else:
        connection.exec_driver_sql(
            _POSTINGS_ROW, [(h, article_id, stored_at, language) for h in hashes]
        )


# An article's postings go to the driver as they are (integers, its language and its time,
# converted once): through the SQL expression layer, processing the parameters of 80 rows
# cost more than the insert. One statement of an array on PostgreSQL, executemany elsewhere.
_POSTINGS_FROM_ARRAY = (
    "INSERT INTO story_features (feature, article_id, at, language)"
    " SELECT f, %s, %s, %s FROM unnest(%s::bigint[]) AS f"
)
_POSTINGS_ROW = "INSERT INTO story_features (feature, article_id, at, language) VALUES (?, ?, ?, ?)"


def remove_profile(session: Session, article_id: int) -> None:
    """Drop an article from the index (its body changed; it is indexed again)."""
    connection = session.connection()
    connection.execute(delete(_FEATURES).where(_FEATURES.c.article_id == article_id))
    connection.execute(delete(_PROFILES).where(_PROFILES.c.article_id == article_id))


_POSTINGS = select(_FEATURES.c.feature, _FEATURES.c.article_id, _FEATURES.c.language).where(
    _FEATURES.c.feature.in_(bindparam("features", expanding=True)),
    _FEATURES.c.at.between(bindparam("lo"), bindparam("hi")),
    _FEATURES.c.article_id != bindparam("exclude"),
)
_TOTAL = select(func.count()).where(_PROFILES.c.at.between(bindparam("lo"), bindparam("hi")))
# A window this full is counted at most once a minute per window hour (see _window_total).
KEPT_TOTAL_FROM = 20_000
TOTAL_TTL = 60.0  # seconds
_totals: dict[tuple[Engine, int, float], tuple[float, int]] = {}
_clock = time.monotonic


def _window_total(connection: Connection, params: dict[str, Any]) -> int:
    """Articles indexed in the window ``params`` gives (``lo``, ``hi``).

    Counting is an index range scan of the whole window: a few hundred thousand entries at a
    desk's 100k articles a day, more than the rest of a lookup, for a figure that only
    scales the IDF (the log of it) and moves by a few per cent a minute. So a total of
    :data:`KEPT_TOTAL_FROM` or more is kept for :data:`TOTAL_TTL` seconds, per database and
    window (its hour); a smaller window, whose every article weighs, is counted each time.
    """
    lo, hi = params["lo"], params["hi"]
    hour = int(_naive(lo).timestamp() // 3600)
    key = (connection.engine, hour, (hi - lo).total_seconds())
    kept = _totals.get(key)
    now = _clock()
    if kept is not None and now - kept[0] < TOTAL_TTL:
        return kept[1]
    total = int(connection.scalar(_TOTAL, params) or 0)
    if total >= KEPT_TOTAL_FROM:
        if len(_totals) > 64:  # windows of long-gone hours
            _totals.clear()
        _totals[key] = (now, total)
    return total


_PROFILE_ROWS = select(
    _PROFILES.c.article_id, _PROFILES.c.language, _PROFILES.c.at, _PROFILES.c.features
).where(_PROFILES.c.article_id.in_(bindparam("ids", expanding=True)))


@lru_cache(maxsize=MAX_FEATURES + 1)
def _frequency_statement(n: int) -> str:
    """Window postings of ``n`` features, at most :data:`COUNTED` of each, by language
    (SQLite; its parameters are each feature's hash and the window bounds, in turn).

    One branch per feature, each an index range scan in time order that stops after COUNTED
    rows: a feature held by thousands of recent articles costs no more than a rare one. Built
    once per ``n`` and handed to the driver as it is, its parameters converted by hand (the
    bounds once, :func:`_converted`): through the SQL expression layer, binding the 240
    parameters of 80 branches cost four times the query, and a Core statement of 80
    branches more again to build and cache-key. ``last`` is left as the driver gives it
    (:func:`_frequencies` converts the few it needs).
    """
    branch = (
        "SELECT * FROM (SELECT feature, language, at FROM story_features"
        " WHERE feature = ? AND at BETWEEN ? AND ? ORDER BY at LIMIT {limit}) AS b{i}"
    )
    union = " UNION ALL ".join(branch.format(i=i, limit=COUNTED) for i in range(n))
    # Only our own integers are formatted into the SQL; every value is a bound parameter.
    sql = f"SELECT feature, language, count(*) AS n, max(at) AS last FROM ({union}) AS s"  # noqa: S608
    return sql + " GROUP BY feature, language"


# PostgreSQL: the same bounded scans as one statement of constant text, a lateral join over
# the features' array; psycopg prepares it after a few calls, where the union of 120 branches
# was planned again on every call.
_LATERAL_FREQUENCIES = (
    text(
        "SELECT s.feature, s.language, count(*) AS n, max(s.at) AS last"  # noqa: S608 - a constant
        " FROM unnest(CAST(:features AS BIGINT[])) AS f(h) CROSS JOIN LATERAL ("
        " SELECT feature, language, at FROM story_features"
        f" WHERE feature = f.h AND at BETWEEN :lo AND :hi ORDER BY at LIMIT {COUNTED}) AS s"
        " GROUP BY s.feature, s.language"
    )
    .bindparams(bindparam("lo", type_=_AT), bindparam("hi", type_=_AT))
    .columns(feature=BigInteger(), language=String(), n=Integer(), last=NullType())
)


def _frequencies(
    session: Session, keys: list[str], params: dict[str, Any]
) -> dict[str, dict[str, int]]:
    """key -> {language: articles in the window holding it}.

    Exact up to :data:`COUNTED` articles. Past it, the count is estimated from how much of the
    window the first COUNTED postings (in time order) cover, shared among the languages as in
    them: only rare features need exact counts (they find candidates), and a common one's weight
    barely moves with its exact count.
    """
    by_hash = {feature_hash(k): k for k in keys}
    found: dict[str, dict[str, int]] = {k: {} for k in keys}
    hashes = list(by_hash)
    lo, hi = params["lo"], params["hi"]
    connection = session.connection()
    dialect = connection.dialect
    bounds = (_converted(dialect, lo), _converted(dialect, hi))
    convert = _result_converter(dialect)
    for chunk in range(0, len(hashes), MAX_FEATURES):
        part = hashes[chunk : chunk + MAX_FEATURES]
        if dialect.name == "postgresql":
            result = connection.execute(_LATERAL_FREQUENCIES, {**params, "features": part})
        else:
            values = tuple(value for h in part for value in (h, *bounds))
            result = connection.exec_driver_sql(_frequency_statement(len(part)), values)
        sampled: dict[int, list[tuple[str, int, Any]]] = {}
        for feature, language, count, last in result:
            sampled.setdefault(int(feature), []).append((language or "?", int(count), last))
        for feature, rows in sampled.items():
            found[by_hash[feature]] = _counts(rows, lo, hi, convert)
    return found


def _counts(
    rows: list[tuple[str, int, Any]], lo: datetime, hi: datetime, convert: Any = None
) -> dict[str, int]:
    """By-language counts of one feature's sampled postings, scaled up when it was cut off.

    ``convert``: the ``at`` column's result processor, for the rows' ``last`` as the driver
    gave it; only a feature cut off needs its times, so only its are converted.
    """
    seen = sum(count for _, count, _ in rows)
    if seen < COUNTED:
        return {language: count for language, count, _ in rows}
    times = [at if convert is None else convert(at) for _, _, at in rows]
    last = max(_naive(at) for at in times)
    covered = (last - _naive(lo)).total_seconds()
    scale = max((_naive(hi) - _naive(lo)).total_seconds() / max(covered, 1.0), 1.0)
    return {language: round(count * scale) for language, count, _ in rows}


def _naive(moment: datetime) -> datetime:
    """UTC without a zone, so that naive (UTC) and aware times given by callers compare."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def lookup(
    session: Session,
    keys: list[str],
    weights: dict[str, float],
    at: datetime,
    *,
    exclude: int | None = None,
    span: timedelta | None = None,
    limit: int = MAX_CANDIDATES,
    language: str | None = None,
) -> Lookup:
    """Recent articles (within ``span`` either side of ``at``) sharing the most weight of
    rare features with ``keys`` (``weights``: each key's prior weight, by kind; keys seen
    in another language than ``language`` are preferred), with the
    window frequencies of our keys (the candidates' other keys are not counted: the scorer
    takes them as rare, which only lowers a score)."""
    span = span or window()
    params: dict[str, Any] = {"lo": at - span, "hi": at + span}
    keys = list(dict.fromkeys(keys))[:MAX_FEATURES]
    if not keys:
        return Lookup([], {}, 0)
    connection = session.connection()
    df = _frequencies(session, keys, params)
    counts = {k: sum(v.values()) for k, v in df.items()}
    # Keys seen in another language first: in an Arabic article the rarest keys are Arabic
    # words shared with another Arabic article or two, which would crowd out the names and
    # figures that find its original in another language.
    mine = language or "?"
    rare = sorted(
        (k for k in keys if 0 < counts[k] <= MAX_DF),
        key=lambda k: (not (df[k].keys() - {mine}), counts[k], k),
    )
    useful = {feature_hash(k): k for k in rare[:RAREST]}
    total = _window_total(connection, params)
    if not useful:
        return Lookup([], df, total)
    score: dict[int, float] = {}
    foreign: set[int] = set()
    rows = connection.execute(
        _POSTINGS,
        {**params, "features": list(useful), "exclude": -1 if exclude is None else exclude},
    )
    for feature, article_id, posted_in in rows:
        key = useful[int(feature)]
        weight = weights.get(key, 1.0) / (1.0 + counts[key])
        score[int(article_id)] = score.get(int(article_id), 0.0) + weight
        if language is not None and posted_in != language:
            foreign.add(int(article_id))
    best = _best(score, foreign, limit)
    if not best:
        return Lookup([], df, total)
    found = {
        int(r[0]): Candidate(int(r[0]), r[1], r[2], r[3] or {})
        for r in connection.execute(_PROFILE_ROWS, {"ids": best})
    }
    return Lookup([found[a] for a in best if a in found], df, total)


def _best(score: dict[int, float], foreign: set[int], limit: int) -> list[int]:
    """The ``limit`` best-scored articles, half of them at least in another language when
    there are enough: articles of one language share common words (in Arabic, whose words
    are all indexed as skeletons, many of them), which would otherwise take every place
    from the translation in another language that shares the rare names."""
    ranked = sorted(score, key=lambda a: (-score[a], a))
    reserved = set([a for a in ranked if a in foreign][: limit // 2])
    rest = [a for a in ranked if a not in reserved][: limit - len(reserved)]
    chosen = reserved | set(rest)
    return [a for a in ranked if a in chosen]


def profile(session: Session, article_id: int) -> Candidate | None:
    """One article's indexed profile."""
    row = session.connection().execute(_PROFILE_ROWS, {"ids": [article_id]}).first()
    return None if row is None else Candidate(int(row[0]), row[1], row[2], row[3] or {})


def frequencies(
    session: Session, keys: list[str], at: datetime, *, span: timedelta | None = None
) -> tuple[dict[str, dict[str, int]], int]:
    """Window frequencies of ``keys`` by language, and the articles in the window."""
    span = span or window()
    params: dict[str, Any] = {"lo": at - span, "hi": at + span}
    total = _window_total(session.connection(), params)
    return _frequencies(session, keys, params), total
