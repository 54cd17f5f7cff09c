"""Match watch terms in article text, across spellings (pure: text in, hits out).

Text and terms are normalised the same way, then compared token by token:

- :func:`aggregator.fingerprints.text.fold` folds case, accents, Arabic harakat, tatweel,
  alef/hamza forms (أ إ آ ٱ → ا), ى → ي, ة → ه and Arabic-Indic and Persian digits;
- tokens are runs of letters and digits, so punctuation and hyphens separate words
  ("NSO-Group" = "NSO Group") and a term never hits inside another word ("NSO" is not in
  "NSOs" nor in "unsolved");
- a possessive ``'s`` / ``’s`` is dropped ("Khashoggi's" = "Khashoggi");
- Arabic words carry attached proclitics (و ف ب ل ك and the article ال, in combinations):
  an Arabic article token also matches when one of those prefixes, stripped, leaves the
  term's token ("وبيغاسوس", "لبيغاسوس", "البيغاسوس" hit "بيغاسوس"). A one-letter proclitic
  is only stripped from words of at least :data:`MIN_STEM_FOR_LETTER` letters after it, so a
  short term such as "حر" does not hit "بحر" (sea).

A :class:`WatchSet` is compiled once from every active watch (term plus accepted aliases) and
then costs one dictionary look-up per token (a few more for Arabic tokens).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from aggregator.fingerprints.text import fold

# Letters and digits; the apostrophe of a possessive is removed before this runs.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_POSSESSIVE = re.compile(r"(?<=\w)['’ʼ]s\b", re.IGNORECASE)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# Proclitics, longest first: conjunctions و ف, prepositions ب ل ك, the article ال, and their
# usual combinations (لل is ل + ال with the alef dropped).
PROCLITICS = (
    "وبال",
    "فبال",
    "وكال",
    "فكال",
    "ولل",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
    "وب",
    "ول",
    "وك",
    "فب",
    "فل",
    "فك",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
)
MIN_STEM_FOR_LETTER = 4  # a one-letter proclitic needs this many letters after it
MIN_STEM = 2
MAX_TERM_TOKENS = 8
MAX_TERM_CHARS = 200


def tokens(text: str) -> list[str]:
    """The normalised tokens of ``text`` (see the module docstring)."""
    return _TOKEN.findall(fold(_POSSESSIVE.sub("", text)))


def normalise(text: str) -> str:
    """A term's normalised form: its tokens joined by one space (the key aliases are stored by)."""
    return " ".join(tokens(text))


def is_arabic(token: str) -> bool:
    return bool(_ARABIC.search(token))


def stems(token: str) -> list[str]:
    """``token`` and what is left of it once a proclitic is stripped (Arabic tokens only)."""
    found = [token]
    if not is_arabic(token):
        return found
    for prefix in PROCLITICS:
        if not token.startswith(prefix):
            continue
        rest = token[len(prefix) :]
        letters_only = not prefix.endswith("ال") and prefix != "لل"
        if len(rest) >= (MIN_STEM_FOR_LETTER if letters_only else MIN_STEM):
            found.append(rest)
        if prefix.endswith("لل") or prefix.endswith("ال"):
            found.append("ال" + rest)  # للإمارات is ل + الإمارات
    return found


@dataclass(frozen=True)
class Pattern:
    """One spelling to look for: the watch it belongs to and its normalised tokens."""

    watch_id: int
    text: str  # as the editor (or a proposal) wrote it
    words: tuple[str, ...]


@dataclass(frozen=True)
class WatchLimits:
    """Which articles a watch looks at; empty means every source or language."""

    sources: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    def admits(self, source: str | None, language: str | None) -> bool:
        if self.sources and source not in self.sources:
            return False
        return not (self.languages and (language or "").lower() not in self.languages)


@dataclass(frozen=True)
class Hit:
    """A watch found in a text: which spelling matched and the tokens that matched it."""

    watch_id: int
    matched: str
    found: str


@dataclass
class WatchSet:
    """Every active pattern, indexed by first token; built once, matched many times."""

    by_first: dict[str, list[Pattern]] = field(default_factory=dict)
    limits: dict[int, WatchLimits] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(p) for p in self.by_first.values())

    def match(
        self, texts: Iterable[str | None], *, source: str | None = None, language: str | None = None
    ) -> list[Hit]:
        """The first hit of each admitted watch in ``texts`` (title, summary, body...)."""
        admitted = {w for w, lim in self.limits.items() if lim.admits(source, language)}
        if not admitted:
            return []
        hits: dict[int, Hit] = {}
        for text in texts:
            if text:
                self._scan(tokens(text), admitted, hits)
            if len(hits) == len(admitted):
                break
        return sorted(hits.values(), key=lambda h: h.watch_id)

    def _scan(self, words: Sequence[str], admitted: set[int], hits: dict[int, Hit]) -> None:
        for index, word in enumerate(words):
            for stem in stems(word):
                for pattern in self.by_first.get(stem, ()):
                    if pattern.watch_id in hits or pattern.watch_id not in admitted:
                        continue
                    size = len(pattern.words)
                    if tuple(words[index + 1 : index + size]) == pattern.words[1:]:
                        found = " ".join(words[index : index + size])
                        hits[pattern.watch_id] = Hit(pattern.watch_id, pattern.text, found)


def compile_watches(
    patterns: Iterable[tuple[int, str]], limits: dict[int, WatchLimits] | None = None
) -> WatchSet:
    """A :class:`WatchSet` of ``(watch_id, spelling)`` pairs; spellings without a letter or
    digit are skipped. ``limits``: per watch (absent means unlimited)."""
    watch_set = WatchSet(limits=dict(limits or {}))
    for watch_id, text in patterns:
        words = tuple(tokens(text[:MAX_TERM_CHARS]))[:MAX_TERM_TOKENS]
        if not words:
            continue
        watch_set.by_first.setdefault(words[0], []).append(Pattern(watch_id, text, words))
        watch_set.limits.setdefault(watch_id, WatchLimits())
    return watch_set
