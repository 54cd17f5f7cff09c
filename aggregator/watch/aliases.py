"""Alias proposals across scripts (pure): which stored spellings may name the same thing.

Two sources of candidates, both only *proposed*; an editor accepts or rejects each:

- **transliteration**: every token is romanised with anyascii (a field library shipping its
  tables, no network) and reduced to a consonant *skeleton* (vowels, y/w/h and doubled
  letters dropped, letters Arabic writes alike merged: p→b, v→f, q/c→k, j→g, gh→g, kh→k,
  sh/ch→s, th→t, dh→d, z→s, e.g. "Pegasus" and "بيغاسوس" both give ``bgs``). A
  foreign-script token (after its Arabic proclitics are stripped) whose skeleton equals the
  term's, or is one edit away when both skeletons have four letters or more ("Hamilton"
  ``mltn`` and "هاملتن"; a three-letter skeleton must be equal, so "بجوازات" ``bgst`` is
  not proposed for "Pegasus" ``bgs``), is a candidate. A term of several words is compared
  word by word with runs of as many words ("Lewis Hamilton" and "لويس هاميلتون");
- **same story**: articles of one story in other languages than a hit article, that do not
  hit the watch themselves, probably name it in their own script. A token found in such
  articles of several stories, and rare in a background sample, is a candidate.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from anyascii import anyascii

from aggregator.watch.matcher import is_arabic, stems, tokens

_DIGRAPHS = (("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("dh", "d"))
_LETTERS = str.maketrans({"p": "b", "v": "f", "q": "k", "c": "k", "j": "g", "z": "s", "x": "ks"})
_DROPPED = re.compile(r"[aeiouyhw'`\W\d_]")
MIN_SKELETON = 2
MAX_PROPOSALS = 8
MIN_TOKEN_LETTERS = 3


def skeleton(text: str) -> str:
    """The consonant skeleton of ``text`` in any script (see the module docstring)."""
    latin = anyascii(text).lower()
    for digraph, letter in _DIGRAPHS:
        latin = latin.replace(digraph, letter)
    latin = _DROPPED.sub("", latin.translate(_LETTERS))
    return re.sub(r"(.)\1+", r"\1", latin)


def close(a: str, b: str) -> bool:
    """Skeletons that may spell the same name: equal, or one edit apart when long enough."""
    if len(a) < MIN_SKELETON or len(b) < MIN_SKELETON:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    return _edits(a, b) <= 1


def _edits(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _close_words(candidate: str, target: list[str]) -> bool:
    """Every word of ``candidate`` close to the term's word at the same place."""
    words = candidate.split(" ")
    return len(words) == len(target) and all(
        close(skeleton(w), t) for w, t in zip(words, target, strict=True)
    )


def script_of(text: str) -> str:
    """``arabic`` or ``latin``: which script a term or token is written in (mostly)."""
    return "arabic" if is_arabic(text) else "latin"


@dataclass(frozen=True)
class Proposal:
    """A spelling proposed as an alias, why, and how often it was seen."""

    text: str
    origin: str  # transliteration | story
    seen: int
    evidence: str


def transliteration_candidates(
    term: str, counts: Counter[str], *, known: Iterable[str] = ()
) -> list[Proposal]:
    """Tokens (or runs of words, see :func:`article_tokens`) of ``counts`` (→ articles seen
    in) in another script than ``term`` whose skeleton, once a proclitic is stripped from
    the first word, is close to the term's."""
    target = [skeleton(word) for word in tokens(term)]
    script = script_of(term)
    skip = set(known)
    best: dict[str, int] = Counter()
    for token, seen in counts.items():
        if script_of(token) == script or len(token) < MIN_TOKEN_LETTERS:
            continue
        # The shortest close stem: "وبيغاسوس" proposes "بيغاسوس", not itself as well.
        first, _, rest = token.partition(" ")
        forms = [f"{stem} {rest}".strip() for stem in stems(first)]
        fitting = [s for s in forms if _close_words(s, target)]
        if fitting:
            stem = min(fitting, key=len)
            if stem not in skip:
                best[stem] += seen
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    return [
        Proposal(text, "transliteration", seen, f"{skeleton(text)} ~ {''.join(target)}")
        for text, seen in ranked[:MAX_PROPOSALS]
    ]


def story_candidates(
    per_story: list[set[str]],
    background: Counter[str],
    sample_size: int,
    *,
    known: Iterable[str] = (),
    max_share: float = 0.05,
) -> list[Proposal]:
    """Tokens in the other-language articles of at least two stories (or every story, when
    only one has any) and in under ``max_share`` of the ``sample_size`` background articles
    besides (``background`` counts the stories' articles too, when they are in the sample)."""
    if not per_story:
        return []
    skip = set(known)
    in_stories: Counter[str] = Counter()
    for story_tokens in per_story:
        in_stories.update({t for t in story_tokens if len(t) >= MIN_TOKEN_LETTERS})
    needed = 2 if len(per_story) >= 2 else 1
    limit = max(1.0, max_share * sample_size)

    def elsewhere(token: str) -> int:
        """Background articles with the token, less (about) the stories' own."""
        return max(0, background[token] - in_stories[token])

    kept = [
        (token, n)
        for token, n in in_stories.items()
        if n >= needed and token not in skip and elsewhere(token) < limit
    ]
    kept.sort(key=lambda kv: (-kv[1], elsewhere(kv[0]), len(kv[0]), kv[0]))
    return [
        Proposal(token, "story", n, f"in {n} of {len(per_story)} stories")
        for token, n in kept[:MAX_PROPOSALS]
    ]


def article_tokens(*texts: str | None, size: int = 1, stemmed: bool = False) -> set[str]:
    """The distinct normalised tokens of an article's texts, or runs of ``size`` of them
    joined by a space (the candidates for a term of ``size`` words). ``stemmed`` adds each
    Arabic token's forms without a proclitic ("وتسونامي" counts as "تسونامي" too)."""
    found: set[str] = set()
    for text in texts:
        if not text:
            continue
        words = tokens(text)
        if stemmed and size == 1:
            found.update(form for word in words for form in stems(word))
        else:
            found.update(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    return found


def term_size(term: str) -> int:
    """How many words a term has (candidates are runs of as many words), at most 3."""
    return max(1, min(3, len(tokens(term))))
