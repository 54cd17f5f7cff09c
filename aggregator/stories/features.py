"""Features of an article that survive translation: numbers, years, names, quotes, URLs.

A French translation of an English report shares few words with it but keeps its figures
("1 400" for "1,400", "٧٫٥" for "7.5"), its years and its names ("NSO Group", "WhatsApp";
in Arabic "واتساب"). So an article is described by:

* ``n:`` numbers of two digits or more, separators and decimal marks removed (Arabic-Indic and
  Persian digits folded to ASCII), so ``1,400`` / ``1 400`` / ``1.400`` / ``١٬٤٠٠`` are one key;
* ``y:`` years 1900-2099 (common, so weighed less);
* ``e:`` names in Latin scripts (capitalised words that do not start a sentence, acronyms),
  accent-folded;
* ``k:`` the consonant skeleton of every name, and of every word of Arabic-script text after
  transliteration (:func:`skeleton`): "Guardian" and "الغارديان" are both ``KRTN``. This is
  what links Arabic to Latin-script text; common words are discounted by their document
  frequency in the window, not by a word list;
* ``q:`` quotes (first words of a quoted passage), for same-language copies;
* ``u:`` URLs written in the text.

Transliteration is anyascii (a field library with tables for every script; PyICU needs the
ICU C library and gave nothing more for the skeleton). Pure: text in, features out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from anyascii import anyascii

from aggregator.stories.concepts import concept_keys

# Prior weight of each kind (multiplied by the feature's IDF in the window).
KIND_WEIGHT = {
    **{"n": 1.6, "y": 0.6, "e": 1.3, "k": 1.0, "q": 1.5, "u": 2.0},
    # concepts (aggregator.stories.concepts): a place names the story more than a weekday
    **{"c": 1.2, "l": 0.8, "t": 1.4, "m": 0.5, "d": 0.4, "$": 0.6},
}
NEUTRAL = frozenset("nyuqcltmd$")  # kinds that read the same in every language
MAX_INDEXED = 80  # keys per article in the index and its profile (what the scorer compares)
MAX_TEXT = 60_000  # characters read from a body: features of a huge page are not better


def _words(text: str) -> list[str]:
    """A word list written as one string (kept readable, one language per line)."""
    return text.split()


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NON_ASCII_DIGIT = re.compile("[٠-٩۰-۹]")  # translate() is slow on non-ASCII text: only if needed
# A number: digits with thousands separators or a decimal mark between them.
_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c\u00a0\u202f' ]\d+)*")
_WORD = re.compile(r"[^\W\d_][^\W\d_'’\-]*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?؟:;«»\"“”„()\[\]\n]\s*$")
_QUOTE = re.compile(r"[\"“”«»„]\s*([^\"“”«»„]{20,300}?)\s*[\"“”«»„]")
# After a number: a percentage in the languages we serve.
_PERCENT = re.compile(
    r"\s*(?:%|٪|per ?cent|pour ?cent|prozent|por ?ciento|بالمائة|بالمئة|في المائة|في المئة)",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LONG_WORD = re.compile(r"\b[a-zà-ÿß]{7,}\b")
_AR_TOKEN = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
# Arabic clitics written onto a word: "و" and, "ب" with, "ل" for, "ك" like, "ف" so; "ال" the.
_AR_PREFIX = re.compile(r"^(?:[وفبلك]?ال|لل|[وف][بلك]?(?=.{4}))")
# Capitalised words that are grammar, not names, in the languages we serve.
_FUNCTION = frozenset(
    _words(
        """
    the a an and or but in on at of to for by with from as this that these those it its he
    she they we you his her their our my mr mrs ms dr le la les un une des du de et ou mais
    en dans sur pour par avec ce cette ces il elle ils elles nous vous son sa ses leur der
    die das ein eine und oder aber im am zum zur von mit für auf aus bei nach dem den des er
    sie es wir ihr el los las una unos unas y o pero con por para del al lo se su sus
    """
    )
)
# Skeleton classes: letters that sound alike across transliterations share a class.
_CLASSES = [
    ("kh", "K"),
    ("gh", "K"),
    ("ch", "K"),
    ("ck", "K"),
    ("sh", "S"),
    ("th", "S"),
    ("dh", "S"),
    ("ph", "B"),
    ("x", "KS"),
]
_LETTER = {
    **dict.fromkeys("bpfv", "B"),
    **dict.fromkeys("kqgjc", "K"),
    **dict.fromkeys("szç", "S"),
    **dict.fromkeys("td", "T"),
    "m": "M",
    "n": "N",
    "l": "L",
    "r": "R",
}


@dataclass(frozen=True)
class StoryFeatures:
    """An article's story features: every key (``kind:value``) with how often it occurs."""

    counts: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # as written, for the evidence
    # Where each key first occurs, 0 (start of the title) to 1 (end of the body): a
    # translation names things in the same order, another report on the same event does not.
    positions: dict[str, float] = field(default_factory=dict)
    from_names: frozenset[str] = frozenset()  # the k: keys that are skeletons of names
    # where the body starts (0-1): a word of the title names the story, so its skeleton is
    # indexed with the names (in Arabic, which has no capitals, it is how a name gets in)
    lead: float = 0.0

    def keys(self) -> list[str]:
        """All distinct keys, the most telling first (kind weight, then frequency)."""
        return sorted(self.counts, key=lambda k: (-KIND_WEIGHT[k[0]], -self.counts[k], k))

    def indexed(self) -> list[str]:
        """The keys posted in the candidate index (bounded): rare kinds and long skeletons
        first, since a short Arabic skeleton is often a common word."""
        ranked = sorted(
            self.counts,
            key=lambda k: (
                -_index_priority(k, k in self.from_names or self.positions[k] < self.lead),
                -self.counts[k],
                k,
            ),
        )
        return ranked[:MAX_INDEXED]

    def to_json(self) -> dict[str, float]:
        """What the profile stores: each indexed key's first position."""
        return {k: round(self.positions.get(k, 0.0), 3) for k in self.indexed()}


def _index_priority(key: str, from_name: bool) -> float:
    """Figures and URLs first, then names with their skeletons (what Arabic text matches),
    then years, then skeletons of other words, the longest first."""
    kind, value = key[0], key[2:]
    if kind == "k":
        return 2.0 if from_name else 1.0 + min(len(value), 8) / 10
    return _PRIORITY[kind]


# Concept keys rank with names: in Arabic text they are what a translation keeps.
_PRIORITY = {"n": 3.0, "u": 3.0, "q": 2.5, "t": 2.5, "e": 2.0, "c": 2.0, "l": 1.95}
_PRIORITY |= {"y": 1.9, "$": 1.9, "m": 1.85, "d": 1.8}


def story_features(title: str | None, body: str) -> StoryFeatures:
    """The features of an article (title counted with the body)."""
    text = f"{title or ''}\n{body[:MAX_TEXT]}"
    text = unicodedata.normalize("NFKC", text)
    if _NON_ASCII_DIGIT.search(text):
        text = text.translate(_DIGITS)
    counts: Counter[str] = Counter()
    positions: dict[str, float] = {}
    size = max(1, len(text))

    def add(key: str, at: int) -> None:
        counts[key] += 1
        positions.setdefault(key, at / size)

    for match in _URL.finditer(text):
        url = match.group(0).lower().rstrip(".,;").split("://", 1)[1].removeprefix("www.")
        add("u:" + url, match.start())
    text = _URL.sub(lambda m: " " * len(m.group(0)), text)
    for match in _NUMBER.finditer(text):
        percent = bool(_PERCENT.match(text, match.end()))
        for key in _number_keys(match.group(0), percent=percent):
            add(key, match.start())
    for match in _QUOTE.finditer(text):
        words = _fold.__wrapped__(match.group(1)).split()  # a quote: not worth caching
        if len(words) >= 4:
            add("q:" + " ".join(words[:6]), match.start())
    names: list[str] = []
    from_names: set[str] = set()
    for name, at in latin_names(text):
        names.append(name)
        for word in name.split():
            folded = _fold(word)
            if len(folded) >= 2 and folded not in _FUNCTION:
                add("e:" + folded, at)
                sk = skeleton(folded)
                if len(sk) >= 3:
                    add("k:" + sk, at)
                    from_names.add("k:" + sk)
    for match in _LONG_WORD.finditer(text):  # cognates: "parliament", "parlement", "parlamento"
        sk = skeleton(_fold(match.group(0)))
        if len(sk) >= 4:
            add("k:" + sk, match.start())
    for word, at in arabic_words(text):
        sk = skeleton(anyascii(word).lower())
        if len(sk) >= 3:
            add("k:" + sk, at)
    for key, at in concept_keys(text):
        add(key, at)
    return StoryFeatures(
        dict(counts),
        list(dict.fromkeys(names))[:50],
        positions,
        frozenset(from_names),
        (len(title or "") + 1) / size,
    )


def _number_keys(raw: str, *, percent: bool = False) -> list[str]:
    """``n:`` / ``y:`` keys of one written number (one- and two-digit counts say little,
    but a two-digit percentage, "70%", "70 بالمائة", is a figure of the story)."""
    digits = re.sub(r"\D", "", raw).lstrip("0")
    if len(digits) < 2 or len(digits) > 15:
        return []
    if len(digits) == 4 and raw.isdigit() and 1900 <= int(digits) <= 2099:
        return ["y:" + digits]
    if len(digits) == 2 and raw.isdigit() and not percent:
        return []  # a bare two-digit number (ages, days) is everywhere
    return ["n:" + digits]


def latin_names(text: str) -> list[tuple[str, int]]:
    """Runs of capitalised Latin-script words that are not a sentence's first word, and
    acronyms anywhere ("NSO Group", "Amnesty International", "FBI")."""
    found: list[tuple[str, int]] = []
    run: list[str] = []
    start_of_run = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if not word[0].isupper():  # most words: only a run's connector ("de", "of") matters
            if run:
                if not _ARABIC.search(word) and _fold(word) in _CONNECTORS:
                    run.append(word)
                else:
                    _close(run, found, start_of_run)
            continue
        start = match.start()
        before = text[max(0, start - 3) : start]
        first = start == 0 or bool(_SENTENCE_END.search(before)) or ("\n" in before)
        acronym = len(word) >= 2 and word.isupper()
        gap = text[start - 1 : start] if run else " "
        if (not first or acronym) and (gap in (" ", "-")):
            if not run and _fold(word) in _FUNCTION:
                continue
            if not run:
                start_of_run = start
            run.append(word)
        elif run and _fold(word) in _CONNECTORS:
            run.append(word)
        elif run:
            _close(run, found, start_of_run)
    _close(run, found, start_of_run)
    return found


_CONNECTORS = frozenset(("de", "of", "al", "bin", "von", "van", "del", "la"))
_TRAILING = _FUNCTION | {"al", "bin", "von", "van"}  # never a run's last word


def _close(run: list[str], found: list[tuple[str, int]], at: int) -> None:
    while run and _fold(run[-1]) in _TRAILING:
        run.pop()
    if run:
        found.append((" ".join(run), at))
    run.clear()


def arabic_words(text: str) -> list[tuple[str, int]]:
    """Arabic-script words of four letters or more, their clitics ("و", "ال", ...) removed,
    with where they start."""
    words = []
    for match in _AR_TOKEN.finditer(text):
        stem = _AR_PREFIX.sub("", match.group(0))
        if len(stem) >= 4:
            words.append((stem, match.start()))
    return words


@lru_cache(maxsize=1 << 16)  # words repeat within and across articles
def skeleton(word: str) -> str:
    """The consonant skeleton of a transliterated word, letters in sound classes, repeats
    collapsed: "guardian" / "ghardyan" -> "KRTN", "microsoft" / "mykrwswft" -> "MKRSBT"."""
    word = word.lower().removeprefix("al-").removeprefix("el-")
    for pair, upper in _CLASSES:
        word = word.replace(pair, upper)
    out: list[str] = []
    for ch in word:
        found = ch if ch.isupper() else _LETTER.get(ch)
        if found is None:
            continue
        for c in found:
            if not out or out[-1] != c:
                out.append(c)
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: "Émirats" -> "emirats"."""
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", anyascii(text).lower()).split())
