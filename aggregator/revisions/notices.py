"""Explicit correction notices, in English, French, Arabic, German and Spanish.

Outlets that correct an article usually say so in the text: "Correction: an earlier version
of this article…", "Rectificatif :", "تصحيح:", "Korrektur:", "Fe de errores". A revision whose
new text carries such a notice that the old text did not is a *correction*, not just an edit.
The patterns are deliberately the explicit formulas (a label followed by a colon, or a
sentence about the article itself), so an article that merely uses the word "correction" in
its news is not flagged.
"""

from __future__ import annotations

import re

MAX_NOTICE = 300
_END = re.compile(r"(?<=[.!?؟])\s|\n")
# One pattern per language; each matches the start of a notice.
PATTERNS: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:correction|clarification|editor'?s note)\s*:"
        r"|\bthis (?:article|story|piece) (?:was|has been) (?:amended|corrected|updated to correct)"
        r"|\ban earlier version of this (?:article|story|piece)",
        re.IGNORECASE,
    ),
    "fr": re.compile(
        r"\b(?:rectificatif|erratum|correction|mise au point)\s*:"
        r"|\bcet article a été (?:corrigé|modifié|rectifié)"
        r"|\bune (?:précédente|première) version de cet article",
        re.IGNORECASE,
    ),
    "ar": re.compile(r"(?:تصحيح|توضيح|استدراك)\s*[:：]|تم تصحيح هذا|تم تعديل هذا (?:المقال|الخبر)"),
    "de": re.compile(
        r"\b(?:korrektur|berichtigung|korrekturhinweis|richtigstellung)\s*:"
        r"|\bin einer früheren version (?:dieses|des) (?:artikels|textes|beitrags)",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"\b(?:fe de errores|corrección|aclaración|rectificación)\s*:"
        r"|\beste artículo (?:fue|ha sido) (?:corregido|modificado|rectificado)"
        r"|\buna versión anterior de este artículo",
        re.IGNORECASE,
    ),
}


def notices(text: str | None) -> list[str]:
    """Every correction notice in ``text``: the sentence (bounded) each pattern starts."""
    if not text:
        return []
    starts = sorted({m.start() for p in PATTERNS.values() for m in p.finditer(text)})
    found, covered = [], -1
    for start in starts:
        if start < covered:  # inside the notice already found ("Korrektur: In einer …")
            continue
        covered = _sentence_end(text, start)
        found.append(" ".join(text[start:covered].split())[:MAX_NOTICE])
    return found


def new_notice(old: str | None, new: str | None) -> str | None:
    """The first notice of ``new`` that ``old`` did not carry, or None."""
    before = set(notices(old))
    for notice in notices(new):
        if notice not in before:
            return notice
    return None


def _sentence_end(text: str, start: int) -> int:
    """Where the sentence from ``start`` ends (the paragraph end at the latest)."""
    match = _END.search(text, start)
    return match.start() if match else len(text)
