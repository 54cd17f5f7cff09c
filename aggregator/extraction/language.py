"""A small language detector: writing system first, then stop words.

Why not a model: extraction runs in a process pool on every page, and a statistical detector
(fastText, langid) adds tens of MB and a model file to load per process. News bodies are long,
so the script (Arabic, Hebrew, Cyrillic, CJK...) and the share of very common words settle the
language of the languages we serve; short or mixed texts return None rather than a guess, and
the page's declared language stands in. Declared and detected are both kept: an Arabic site
publishing a French article (declared ``ar``, detected ``fr``) is common and worth seeing.
"""

from __future__ import annotations

import re
from collections import Counter

SAMPLE = 2000  # characters looked at; enough for a stable answer, cheap on long articles
MIN_LETTERS = 12  # CJK needs few characters; Latin text also needs 8 words (below)
_WORD = re.compile(r"[^\W\d_]+")
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\W\d_]")

_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in is that for it with was on as are be by this have from at not "
              "but his they which you has were their its will would been had said who",
        "fr": "le la les de des est et un une du dans que qui pour pas sur au avec il elle sont ce "
              "l d qu à a en ne se n s "
              "aux par plus ont été leur cette mais ses être fait selon",
        "es": "el la los las de que y en un una es por con para del se al lo como más pero sus "
              "fue ha este esta son también según entre",
        "de": "der die das und ist nicht ein eine den dem des mit sich auf für von zu im auch "
              "werden wird hat sind wurde noch nach bei aus oder",
        "it": "il lo la gli le di che e un una è per con non del della dei sono nel alla anche "
              "come più ha dalla stato",
        "pt": "o os a as de que e um uma é para com não do da dos das em no na por mais foi "
              "também ao pela pelo são",
        "nl": "de het een en van is dat op te in niet zijn met voor ook er maar om als bij "
              "werd heeft wordt door naar",
        "tr": "ve bir bu da de için ile olarak çok daha gibi olan ama en sonra kadar değil "
              "ise şu tarafından",
        "id": "dan yang di ini itu dengan untuk dari dalam tidak akan pada juga ke karena "
              "ada oleh sudah telah",
        "pl": "i w na z się nie do to że jest o jak po ale co przez dla jego od",
        "sv": "och att det som en på är av för med till den har inte om ett var",
        "ro": "și în de la cu nu pe care este un o din pentru mai au fost",
    }.items()
}  # fmt: skip

# (regex for the script, language, or a function of the text deciding between languages)
_SCRIPTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"), "arabic"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0400-\u04ff]"), "cyrillic"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u0980-\u09ff]"), "bn"),
    (re.compile(r"[\u0530-\u058f]"), "hy"),
    (re.compile(r"[\u10a0-\u10ff]"), "ka"),
]


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure."""
    sample = text[:SAMPLE]
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters < MIN_LETTERS:
        return None
    if len(_NOT_LATIN.findall(sample)) < letters * 0.2:
        return _latin_language(sample)  # most pages: skip the per-script counts
    counts = Counter({name: len(pattern.findall(sample)) for pattern, name in _SCRIPTS})
    script, count = counts.most_common(1)[0]
    if count > letters * 0.4:
        if script == "ja" or (script == "zh" and counts["ja"] > count * 0.05):
            return "ja"
        if script == "arabic":
            return _arabic_script_language(sample)
        if script == "cyrillic":
            return _cyrillic_language(sample)
        return script
    return _latin_language(sample)


def _arabic_script_language(text: str) -> str:
    if re.search(r"[ٹڈڑںے]", text):
        return "ur"
    persian = len(re.findall(r"[پچژگ]", text)) + text.count("ی") + text.count("ک")
    arabic = text.count("ي") + text.count("ك") + text.count("ة")
    return "fa" if persian > arabic else "ar"


def _cyrillic_language(text: str) -> str:
    if re.search(r"[іїєґІЇЄҐ]", text):
        return "uk"
    if re.search(r"[ўЎ]", text):
        return "be"
    if re.search(r"[ђћџљњЂЋЏЉЊ]", text):
        return "sr"
    return "bg" if text.count("ъ") > text.count("ы") * 2 + 3 else "ru"


def _latin_language(text: str) -> str | None:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 8:
        return None
    scores = Counter(
        {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPWORDS.items()}
    )
    (best, first), (_, second) = scores.most_common(2)
    # Demand a real share of stop words and a clear winner (French vs Italian share "la", ...).
    if first < max(3, len(words) * 0.08) or first < second * 1.25:
        return None
    return best
