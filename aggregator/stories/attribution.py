"""Attribution: which outlet an article credits, from its text and markup. Pure.

Sentences in the languages we serve ("rapporte The Guardian", "selon Le Monde", "according to
Reuters", "berichtet der Spiegel", "según El País", "نقلاً عن", "بحسب"), agency datelines
("(AFP)", "— Reuters"), a link of the body to another site's page, and a ``rel=canonical`` /
``og:url`` on another site. Each is a
:class:`Cited` with the outlet as written, its folded ``outlet_key`` (what is compared with our
sources' names) and the matched sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from anyascii import anyascii

from aggregator.stories.features import skeleton

MAX_FOUND = 10
MAX_SENTENCE = 600


@dataclass(frozen=True)
class Cited:
    """One attribution: the outlet (and URL) an article credits, and where it says so."""

    kind: str  # sentence | dateline | link | canonical | og:url
    outlet: str | None = None
    outlet_key: str | None = None
    url: str | None = None
    sentence: str | None = None


# An outlet's name in Latin script: up to five capitalised words, "The"/"Le"/"El"/"Der" first
# and "de"/"of"/"du" between ("The Guardian", "Le Monde", "El País", "Agence France-Presse").
_ARTICLE = (
    r"(?:(?:The|the|Le|La|Les|le|la|les|L'|l'|L’|l’|El|el|Der|Die|Das|der|die|das|den|dem|des)\s+)?"
)
_NAME = (
    _ARTICLE
    + r"(?:[A-Z][\w&.’'\-]*|[A-Z]{2,})(?:\s+(?:(?:de|of|du|del|für)\s+)?(?:[A-Z][\w&.’'\-]*)){0,4}"
)
_MEDIA = (
    r"(?:(?:the\s+)?(?:newspaper|daily|magazine|website|site|agency|news agency|broadcaster)\s+|"
    r"(?:le\s+|la\s+|l['’])?(?:journal|quotidien|hebdomadaire|site|agence|magazine|chaîne)\s+|"
    r"(?:die\s+|der\s+|das\s+)?(?:Zeitung|Zeitschrift|Nachrichtenagentur|Agentur|Magazin|Sender)\s+|"
    r"(?:el\s+|la\s+)?(?:diario|periódico|agencia|revista|cadena)\s+)?"
)


def _verb_first(verbs: str) -> str:
    """An attribution verb (case-insensitive alternation), then an outlet's name."""
    return rf"\b(?i:{verbs})\s+{_MEDIA}(?P<o>{_NAME})"


# Each pattern with the words (lower case) a text must hold one of for it to match: the test
# is a C substring scan, where the regular expression tries its alternation at every word
# (the name-first patterns at every capital); most bodies hold none, and skip the pattern.
_LATIN_PATTERNS: list[tuple[str, tuple[str, ...]]] = [
    # fr
    (
        _verb_first(
            "selon|d['’]après|rapporte|rapportait|indique|écrit|révèle|affirme|précise|annonce"
        ),
        (
            "selon",
            "après",
            "rapport",
            "indique",
            "écrit",
            "révèle",
            "affirme",
            "précise",
            "annonce",
        ),
    ),
    # en
    (
        _verb_first("according to|reported by|as reported by|first reported by|via"),
        ("according", "reported", "via"),
    ),
    (rf"(?P<o>{_NAME})\s+(?:reported|reports|said in a report|first reported)\b", ("report",)),
    # de
    (
        _verb_first("laut|berichtet|berichtete|berichten|meldet|meldete|schreibt|schrieb"),
        ("laut", "bericht", "meldet", "schreibt", "schrieb"),
    ),
    (
        rf"\b(?i:wie)\s+{_MEDIA}(?P<o>{_NAME})\s+(?:berichtet|berichtete|meldet|meldete|schreibt)",
        ("berichtet", "meldet", "schreibt"),
    ),
    (rf"(?P<o>{_NAME})\s+zufolge\b", ("zufolge",)),
    # es
    (
        _verb_first("según|informa|informó|publica|publicó|de acuerdo con|reporta|reportó"),
        ("según", "inform", "public", "acuerdo", "report"),
    ),
]
_LATIN = [(re.compile(p), words) for p, words in _LATIN_PATTERNS]
# Arabic: "نقلاً عن", "نقلا عن", "بحسب", "حسب", "وفقاً لـ", "ذكرت", "أفادت", "قالت" + outlet.
_AR_MEDIA = r"(?:(?:صحيفة|جريدة|موقع|وكالة|مجلة|قناة|شبكة)\s+)?"
_AR_WORD = r"[\u0621-\u064a\u0671-\u06d3A-Za-z][\u0621-\u064a\u0671-\u06d3\w\-]*"
_ARABIC_WORDS = ("نقل", "حسب", "وفق", "ذكرت", "أفادت", "أوردت")
_ARABIC = re.compile(
    r"(?:نقلاً عن|نقلا عن|نقلًا عن|بحسب|حسب|وفقاً لـ?|وفقا لـ?|وفقًا لـ?|ذكرت|أفادت|أوردت)\s+"
    + _AR_MEDIA
    + rf"(?P<o>{_AR_WORD}(?:\s+{_AR_WORD})?)"
)
# Datelines: "(AFP) -", "(Reuters) -", "— Reuters", "- AFP" at the start or end of the body.
_AGENCIES = (
    r"AFP|Reuters|AP|dpa|EFE|ANSA|Xinhua|Anadolu|KUNA|WAM|SPA|MENA|Agence France-Presse"
    r"|Associated Press"
)
_DATELINE = re.compile(rf"\((?P<o>{_AGENCIES})\)|(?:^|\n)\s*[—–-]\s*(?P<e>{_AGENCIES})\s*$")
# Words that follow an attribution verb but are not outlets.
_NOT_OUTLETS = frozenset(
    """
    i he she they we it you the a this that these those experts officials sources police il
    elle ils elles nous on lui eux des les la le un une ce cette ces er sie wir es man él
    ella ellos los las un una
    """.split()  # noqa: SIM905
)
_GENERIC = frozenset(
    """
    the le la les l el der die das newspaper daily magazine website site agency journal
    quotidien agence zeitung diario periodico agencia
    """.split()  # noqa: SIM905
)
_AR_GENERIC = ("صحيفة", "جريدة", "موقع", "وكالة", "مجلة", "قناة", "شبكة", "ال")


def attributions(
    body: str,
    *,
    page_url: str | None = None,
    canonical: str | None = None,
    links: Sequence[tuple[str, str]] = (),
    in_text: tuple[Cited, ...] | list[Cited] | None = None,
) -> list[Cited]:
    """Every attribution in ``body``, its ``links`` (URL, anchor text) to other sites' pages and
    the page's declared canonical URL (bounded).

    ``in_text``: the body's :func:`text_attributions`, when already computed (a crawl's
    extraction process does); the result is the same.
    """
    found = list(text_attributions(body) if in_text is None else in_text)
    found += _link_cites(body[:200_000], links)
    if canonical and page_url and _site(canonical) and _site(canonical) != _site(page_url):
        found.append(Cited("canonical", _site(canonical), outlet_key(_site(canonical)), canonical))
    return _unique(found)[:MAX_FOUND]


def _link_cites(text: str, links: Sequence[tuple[str, str]]) -> list[Cited]:
    """One ``link`` citation per body link, with the sentence its words are in."""
    found = []
    for url, anchor in links:
        if _site(url):
            sentence = _sentence(text, max(text.find(anchor), 0)) if anchor else None
            found.append(Cited("link", _site(url), outlet_key(_site(url)), url, sentence))
    return found


def text_attributions(body: str) -> list[Cited]:
    """The attributions written in ``body`` (sentences and datelines; bounded).

    Kept apart from the links and the canonical URL so it can run where the body is extracted:
    only the text is needed. Deduplicating and bounding here first changes nothing in
    :func:`attributions`, which appends the others and does both again.
    """
    found: list[Cited] = []
    text = body[:200_000]
    lowered = text.lower()
    for pattern, words in _LATIN:
        if not any(word in lowered for word in words):
            continue
        for match in pattern.finditer(text):
            outlet = _trim(match.group("o"))
            if outlet:
                found.append(_cited("sentence", outlet, _sentence(text, match.start())))
    arabic = any(word in text for word in _ARABIC_WORDS)
    for match in _ARABIC.finditer(text) if arabic else ():
        outlet = match.group("o").strip()
        found.append(_cited("sentence", outlet, _sentence(text, match.start())))
    for match in _DATELINE.finditer(text):
        outlet = match.group("o") or match.group("e")
        found.append(_cited("dateline", outlet, _sentence(text, match.start())))
    return _unique(found)[:MAX_FOUND]


def outlet_key(name: str) -> str:
    """An outlet name folded for matching across scripts: its first significant word's
    consonant skeleton ("The Guardian", "الغارديان", "theguardian.com" -> "KRTN"); an
    acronym stays as written, lowercased ("AFP" -> "afp")."""
    name = name.strip()
    if re.fullmatch(r"[A-Z]{2,6}", name):
        return name.lower()
    host = re.fullmatch(r"(?:www\.)?([a-z0-9\-]+)\.[a-z.]+", name.lower())
    if host:
        word = host.group(1).removeprefix("the")
        return _long_enough(skeleton(word)) or word
    words = [w for w in re.split(r"[\s\-’']+", name) if w]
    short = ""  # "El País" has no long skeleton: its "BS" then
    for word in words:
        for prefix in _AR_GENERIC:
            if word == prefix:
                word = ""
        word = re.sub(r"^ال", "", word)
        latin = anyascii(word).lower()
        latin = re.sub(r"[^a-z]", "", latin)
        if not latin or latin in _GENERIC:
            continue
        key = skeleton(latin)
        if _long_enough(key):
            return key
        if not short and len(key) >= 2:
            short = key
    return short


def _long_enough(key: str) -> str:
    """A skeleton of three letters or more: the first word's "S" (of "the South China
    Morning Post", "s-news") would match outlets at random; a later word says more."""
    return key if len(key) >= 3 else ""


def source_keys(*names: str | None) -> list[str]:
    """The outlet keys of one of our sources, from its name, label, site name and homepage."""
    keys = []
    for name in names:
        if not name:
            continue
        if "://" in name:
            name = urlsplit(name).hostname or ""
        key = outlet_key(name)
        if key:
            keys.append(key)
        if re.fullmatch(r"[A-Za-z]{2,6}", name.strip()):
            keys.append(name.strip().lower())
    return list(dict.fromkeys(keys))


def _cited(kind: str, outlet: str, sentence: str) -> Cited:
    return Cited(kind, outlet[:200], outlet_key(outlet)[:200] or None, None, sentence)


def _trim(outlet: str) -> str | None:
    words = outlet.split()
    while words and words[-1].lower().strip(".,") in _NOT_OUTLETS:
        words.pop()
    if not words or (words[0].lower() in _NOT_OUTLETS and len(words) == 1):
        return None
    text = " ".join(words).rstrip(".,;:")
    return text or None


def _sentence(text: str, at: int) -> str:
    """The sentence around ``at`` (bounded)."""
    start = max(text.rfind(". ", 0, at), text.rfind("\n", 0, at)) + 1
    ends = [i for i in (text.find(". ", at), text.find("\n", at)) if i != -1]
    end = min(ends) + 1 if ends else len(text)
    return " ".join(text[start:end].split())[:MAX_SENTENCE]


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _unique(found: list[Cited]) -> list[Cited]:
    seen: set[tuple[str, str | None]] = set()
    out = []
    for cited in found:
        key = (cited.kind, cited.outlet_key or cited.url)
        if key not in seen and (cited.outlet_key or cited.url):
            seen.add(key)
            out.append(cited)
    return out
