"""Text folding shared by fingerprints and full-text search.

Two copies of an article, or a query and an article, must compare equal when they differ only
in case, accents, Arabic diacritics (tashkeel), tatweel, or the spelling variants Arabic
writers use interchangeably (أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي). The same function runs
at index time and query time, so "الإمارات" finds "الامارات" and "enquete" finds "enquête".
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Letters NFKD does not decompose but writers use interchangeably.
_LETTERS = str.maketrans(
    {
        "ٱ": "ا",  # alef wasla
        "ى": "ي",  # alef maqsura
        "ی": "ي",  # Farsi yeh
        "ک": "ك",  # Farsi keheh
        "ة": "ه",  # teh marbuta
        "ـ": None,  # tatweel (kashida), pure elongation
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ı": "i",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
    }
)
_SPECIAL = re.compile("[" + "".join(re.escape(chr(c)) for c in _LETTERS) + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Case-, accent- and Arabic-variant-insensitive form of ``text``.

    NFKD splits accented letters and hamza/madda carriers (أ = ا + hamza above) into a base
    letter and combining marks; dropping every combining mark (category Mn) removes French
    accents and Arabic tashkeel alike. Presentation forms also fold to their base letters.
    """
    text = text.casefold()
    if text.isascii():  # most English text: nothing to decompose, and 20x faster
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = _marks().sub("", decomposed)
    stripped = _ASTRAL.sub(_drop_mark, stripped)
    folded = _SPECIAL.sub(lambda m: _LETTERS[ord(m.group())] or "", stripped)
    return unicodedata.normalize("NFC", folded)


@cache
def _marks() -> re.Pattern[str]:
    """A pattern matching every combining mark of the BMP (built once; ``re.sub`` runs in C).

    Astral-plane characters (emoji, rare marks) go through :func:`_drop_mark` instead: one
    class spanning every plane makes ``re`` take a slow path (12 ms per article, not 0.05).
    """
    marks = [chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Mn"]
    return re.compile("[" + "".join(re.escape(m) for m in marks) + "]")


def _drop_mark(match: re.Match[str]) -> str:
    char = match.group()
    return "" if unicodedata.category(char) == "Mn" else char


def words(text: str) -> list[str]:
    """The folded words of ``text``, punctuation and spacing ignored."""
    return _WORD.findall(fold(text))
