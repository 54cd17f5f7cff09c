"""How well a new article matches a stored one, and what it is to it. Pure.

The score is a cosine of IDF-weighted features that both articles hold **at about the same
place** (first occurrence within 12% of the text of each other): a translation names people,
places and figures in the original's order, while another report on the same event, sharing
a name or two, does not. Only *comparable* features count in the norms: in a pair of two
languages, a key seen in one language only in the window (a German noun, an Arabic common
word) cannot be shared, so it does not dilute the score; between Arabic and Latin script only
numbers, years, URLs and consonant skeletons compare.

Thresholds were chosen on half of the development stories and checked on the other half
(docs/benchmarks.md, "Stories"): a match needs the score over the pair's threshold and at
least :data:`MIN_ALIGNED` aligned features (one fewer when a number is among them, or when
the score is :data:`STRONG` times the threshold: a short article has few features to align).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from aggregator.stories.features import KIND_WEIGHT, NEUTRAL

ALIGN = 0.12  # first occurrences this close (fraction of the text) count as aligned
THRESHOLD_LATIN = 0.15  # two languages in Latin script
THRESHOLD_SCRIPTS = 0.13  # Arabic and Latin script
THRESHOLD_SAME = 0.45  # one language (near duplicates are found by LSH before this)
THRESHOLD_CITED = 0.06  # the new article credits the candidate's outlet
MIN_ALIGNED = 4
MIN_ALIGNED_SCRIPTS = 3
MIN_ALIGNED_CITED = 2
STRONG = 3.0  # a score this many times its bar needs one aligned feature fewer, never < 3


@dataclass(frozen=True)
class Profile:
    """One side of a comparison: language and each feature's first position."""

    language: str | None
    positions: Mapping[str, float]


@dataclass(frozen=True)
class Stats:
    """Window statistics: per key, how many recent articles hold it in each language.

    One Stats scores a new article against each of its candidates: the weights of its keys,
    and its norm against a language, are the same every time, so they are kept once computed.
    """

    total: int
    by_language: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    _weights: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    _norms: dict[tuple[int, str | None], tuple[Profile, float]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def df(self, key: str) -> int:
        """Recent articles holding ``key``; one (the article itself) when not counted."""
        return sum(self.by_language.get(key, {}).values()) or 1

    def weight(self, key: str) -> float:
        """Kind weight times IDF in the window."""
        value = self._weights.get(key)
        if value is None:
            idf = math.log((self.total + 2) / (self.df(key) + 1))
            value = self._weights[key] = KIND_WEIGHT.get(key[0], 1.0) * idf
        return value

    def norm(self, profile: Profile, other: Profile) -> float:
        """The weight of what ``profile`` could share with ``other`` (:func:`_comparable`),
        kept per profile and other language (the profile is held, so its id stays its own)."""
        slot = (id(profile), other.language)
        kept = self._norms.get(slot)
        if kept is not None and kept[0] is profile:
            return kept[1]
        value = sum(self.weight(k) for k in _comparable(profile, other, self)) or 1.0
        self._norms[slot] = (profile, value)
        return value

    def crosses(self, key: str) -> bool:
        """Whether a key is seen in two languages or more (a name or a figure, not a word)."""
        return len(self.by_language.get(key, {})) >= 2


@dataclass(frozen=True)
class Match:
    """A scored pair: the score, whether it passes, and what matched (the evidence)."""

    score: float
    passed: bool
    aligned: list[str]
    threshold: float
    # aligned weight over the weaker side's norm: a translation keeps almost everything of
    # its original, a retelling part of it
    coverage: float = 0.0


def _arabic(language: str | None) -> bool:
    return (language or "") in ("ar", "fa", "ur")


def _comparable(mine: Profile, other: Profile, stats: Stats) -> list[str]:
    if mine.language == other.language:
        return list(mine.positions)
    keys = [k for k in mine.positions if k[0] in NEUTRAL or stats.crosses(k)]
    if _arabic(mine.language) != _arabic(other.language):
        keys = [k for k in keys if k[0] != "e" and k[0] != "q"]
    return keys


def threshold(new: Profile, old: Profile, *, cited: bool) -> tuple[float, int]:
    """The score a pair must reach, and the aligned features it needs."""
    if cited:
        return THRESHOLD_CITED, MIN_ALIGNED_CITED
    if new.language == old.language:
        return THRESHOLD_SAME, MIN_ALIGNED
    if _arabic(new.language) != _arabic(old.language):
        return THRESHOLD_SCRIPTS, MIN_ALIGNED_SCRIPTS
    return THRESHOLD_LATIN, MIN_ALIGNED


def score(new: Profile, old: Profile, stats: Stats, *, cited: bool = False) -> Match:
    """Score ``new`` against ``old`` (see the module docstring)."""
    shared = [k for k in new.positions if k in old.positions]
    limit, need = threshold(new, old, cited=cited)
    if not shared:
        return Match(0.0, False, [], limit)
    aligned = [k for k in shared if abs(new.positions[k] - old.positions[k]) <= ALIGN]
    norm_new = stats.norm(new, old)
    norm_old = sum(stats.weight(k) for k in _comparable(old, new, stats)) or 1.0
    common = sum(stats.weight(k) for k in aligned)
    value = common / math.sqrt(norm_new * norm_old)
    coverage = common / max(norm_new, norm_old)
    places = len({round(new.positions[k], 3) for k in aligned})  # a name's e: and k: count once
    number = any(k[0] == "n" for k in aligned)
    # a short article holds few features, most of them shared; but two features are too few
    # whatever the score: between scripts, few keys compare and norms can be tiny
    strong = value >= STRONG * limit and need - 1 >= MIN_ALIGNED_SCRIPTS
    enough = places >= need or ((number or strong) and places >= need - 1)
    ranked = sorted(aligned, key=lambda k: -stats.weight(k))
    passed = value >= limit and enough
    return Match(round(min(1.0, value), 4), passed, ranked, limit, round(min(1.0, coverage), 4))


def confidence(match: Match) -> float:
    """0-1: how far past its threshold a match is (0.5 at the threshold, 1 at three times)."""
    if match.threshold <= 0:
        return 1.0
    ratio = match.score / match.threshold
    return round(max(0.0, min(1.0, 0.5 + (ratio - 1.0) / 4.0)), 3)
