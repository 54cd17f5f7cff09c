"""Language-neutral concept keys: places, months, weekdays, languages, currencies.

An Arabic translation of an English report translates, rather than transliterates, the names
of countries ("Germany" / "ألمانيا"), months ("March" / "مارس"), weekdays and currencies, so
their consonant skeletons do not match. CLDR, as shipped inside Babel's package data, names
every territory, month, weekday, language and currency in every locale, and the cities of its
time zones ("London" / "Londres" / "لندن"). Each of those names maps to one key whatever the
language:

* ``c:`` a territory by its code (``c:DE``; "Germany", "Allemagne", "ألمانيا", and the
  demonyms built from the name: "Iranian", "iranien", "الإيرانية") or a time-zone city
  (``c:London``);
* ``l:`` a language by its code, which is also the nationality adjective in most languages
  ("German", "allemand", "الألمانية": ``l:de``);
* ``m:`` a month (``m:3``), ``t:`` a month with its day ("3 March", "3 mars", "٣ مارس":
  ``t:3-3``), ``d:`` a weekday (``d:0`` is Monday);
* ``$:`` a currency by its unit (``$:dollar`` for "US dollar", "dollars", "دولار").

Latin-script place names must be capitalised (they are in every language we serve), as must
English months and weekdays ("may", "march" are words). Arabic words are matched with their
clitics ("و", "ب", "ال"...) removed and Arabic demonyms ("السوري", "الإيرانية") are generated
from the country's name. The tables are built once per process from Babel's data (no
download: CLDR ships in the wheel). Pure: text in, keys out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel import Locale


def _words(text: str) -> tuple[str, ...]:
    """A word list written as one string (kept readable)."""
    return tuple(text.split())


# Locales whose names are read: the languages we serve, and Levantine Arabic month names
# ("آذار" for March) that Syrian, Lebanese and Iraqi outlets write.
LOCALES = ("en", "fr", "de", "es", "ar", "ar_SY", "it", "pt", "nl")
# Languages whose names are keys (the nationality adjective of most of the news).
LANGUAGES = _words(
    """ar de en es fr it pt nl ru zh ja ko tr fa he uk pl el hi ur sv no da fi cs hu ro bg
    sr hr id ms th vi ku"""
)
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CNY", "CHF", "RUB", "INR", "SAR", "EGP", "TRY")
# Names news uses that CLDR does not give (it names "United Kingdom", not "Britain"; no
# acronyms; no UK nations): the few that English, French and Arabic reports use most.
ALIASES = {
    key: tuple(names.split(", "))
    for key, names in {
        "c:GB": "Britain, Great Britain, British, Grande-Bretagne, britannique, britanniques, "
        "Großbritannien, britisch, britische, britischen, Gran Bretaña, británico, británica, "
        "británicos, بريطانيا",
        "c:US": "America, American, Americans, américain, américaine, américains, Amerika, "
        "amerikanisch, amerikanische, amerikanischen, estadounidense, estadounidenses, أمريكا, "
        "أميركا",
        "c:England": "England, Angleterre, Inglaterra, إنجلترا, إنكلترا",
        "c:Scotland": "Scotland, Scottish, Écosse, écossais, Schottland, Escocia, escocés, "
        "اسكتلندا",
        "c:Wales": "Wales, Welsh, pays de Galles, gallois, Gales, ويلز",
        # CLDR's English names since 2022 ("Türkiye", "Czechia"); news still writes these
        "c:TR": "Turkey",
        "c:CZ": "Czech Republic",
    }.items()
}
ACRONYMS = {
    "c:GB": ("UK",),
    "c:US": ("US", "USA", "EEUU"),
    "c:EU": ("EU", "UE"),
    "c:UN": ("UN", "ONU", "UNO"),
}
MAX_PHRASE = 4  # words in the longest name looked up ("Bosnia and Herzegovina")
_TOKEN = re.compile(r"[^\W\d_]+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_NEXT = re.compile(r"(?:[\s\-'’]+([^\W\d_]+))?" * (MAX_PHRASE - 1))
_DAY_BEFORE = re.compile(r"(?:^|\D)([0-3]?\d)\.?\s*(?:de\s*|er\s*)?$")
_DAY_AFTER = re.compile(r"[^\W\d_]+\s*([0-3]?\d)(?!\d)")
# Demonym endings put after a country's stem (the name less its final vowel):
# "Iran" -> "Iranian", "iranien", "iraní", "iranisch"; Arabic "سوريا" -> "سوري", "السورية".
_LATIN_SUFFIXES = _words(
    """an ans ian ians ese i is ish ien ienne iens iennes ais aise ois oise ain aine ains
    aines ano ana anos anas ino ina isch ische ischen ischer isches"""
)
_INFLECTIONS = ("e", "en", "er", "es", "s", "a", "as")  # of an adjective: "deutsch" -> "deutsche"
_AR_SUFFIXES = ("ي", "يه", "يين", "يون", "يا")
# Clitics written onto an Arabic word: "و"/"ف" and, "ب" with, "ل" for, "ك" like, "ال" the.
_AR_PREFIXES = tuple(
    dict.fromkeys(
        (conj + prep + art).replace("لال", "لل")
        for conj in ("", "و", "ف")
        for prep in ("", "ب", "ل", "ك")
        for art in ("", "ال")
    )
)


def _fold_map() -> dict[int, str | None]:
    """One translate table: lowercase Latin letters lose their accents ("é" -> "e"), Arabic
    vowel marks and tatweel go, alef and taa marbuta variants are unified."""
    out: dict[int, str | None] = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0].lower()
        if base.isascii() and base.isalpha():
            out[code] = base
    out |= {ord(c): None for c in "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640"}
    out |= {ord(a): b for a, b in zip("أإآٱىة", "اااايه", strict=True)}
    return out


_FOLD = _fold_map()


def fold(text: str) -> str:
    """Text as the table holds it: lowercase, Latin accents removed, Arabic normalised."""
    lowered = text.lower()
    return lowered if lowered.isascii() else lowered.translate(_FOLD)


@dataclass(frozen=True)
class Entry:
    """A name in the table: the words after its first, its key, and whether a Latin-script
    occurrence must be capitalised."""

    rest: tuple[str, ...]
    key: str
    case: str  # "" any, "title" capitalised, "upper" an acronym ("UK", "EU")


@dataclass
class Table:
    """First word of a name, as folded text writes it (Arabic with each clitic prefix) ->
    the names starting with it, longest first."""

    first: dict[str, list[Entry]] = field(default_factory=dict)

    def add(
        self,
        name: str,
        key: str,
        *,
        capital: bool,
        upper: bool = False,
        article: bool = False,
        short: int = 4,
    ) -> None:
        """Add one name (several words or one; a Latin word of ``short`` letters or more
        unless an acronym). ``article``: an Arabic name keeps its "ال" ("الأحد" Sunday,
        "أحد" one)."""
        words = _TOKEN.findall(fold(name))
        arabic = bool(_ARABIC.search(name))
        if arabic and not article:
            words = [_bare(w) for w in words]
        if not words or len(words) > MAX_PHRASE:
            return
        if len(words) == 1 and len(words[0]) < (3 if arabic else 2 if upper else short):
            return
        case = "" if arabic else "upper" if upper else "title" if capital else ""
        entry = Entry(tuple(words[1:]), key, case)
        for prefix in _AR_PREFIXES if arabic else ("",):
            entries = self.first.setdefault(prefix + words[0], [])
            if all(e.rest != entry.rest for e in entries):
                entries.append(entry)
                entries.sort(key=lambda e: -len(e.rest))


def _bare(word: str) -> str:
    """An Arabic word without its article "ال" (how the table holds a name's words)."""
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def _add_place(table: Table, name: str, key: str, *, capital: bool) -> None:
    """A one-word name with its demonyms: Latin, the stem (final vowels removed, four letters
    or more) with each demonym ending; Arabic, the nisba ("سوريا" -> "السوري", "السورية")."""
    table.add(name, key, capital=capital)
    words = _TOKEN.findall(fold(name))
    if len(words) != 1:
        return
    if _ARABIC.search(name):
        bare = _bare(words[0])
        for stem in {bare, bare.rstrip("اىيه")}:
            if len(stem) >= 3:
                for suffix in _AR_SUFFIXES:
                    table.add(stem + suffix, key, capital=False)
        return
    stem = words[0].rstrip("aeiouy")
    if len(stem) >= 4:
        for suffix in _LATIN_SUFFIXES:
            table.add(stem + suffix, key, capital=False)


def _add_language(table: Table, name: str, key: str, *, capital: bool) -> None:
    """A language's name, which is also the nationality adjective, with its inflections
    ("deutsche", "allemande", "alemanes", "الألمانية")."""
    _add_place(table, name, key, capital=capital)
    if not _ARABIC.search(name) and " " not in name:
        for ending in _INFLECTIONS:
            table.add(name + ending, key, capital=capital)


@lru_cache(maxsize=1)
def table() -> Table:
    """The concept table of :data:`LOCALES` (built once per process, ~0.3 s)."""
    out = Table()
    for code in LOCALES:
        locale = Locale.parse(code)
        english = code == "en"
        data = locale._data  # Babel's public accessors do not give plural currency names
        for territory, name in locale.territories.items():
            if territory.isalpha():  # "DE", "EU"; not the numeric regions ("150" Europe)
                _add_place(out, name, "c:" + territory, capital=True)
        zones = data["time_zones"]
        for zone in _zones():
            # a locale names a city only where it differs from the zone's own ("London")
            named = dict(zones[zone]).get("city") if zone in zones else None
            city = zone.rsplit("/", 1)[-1]
            out.add(named or city.replace("_", " "), "c:" + city, capital=True)
        for lang in LANGUAGES:
            if lang in locale.languages:
                _add_language(out, locale.languages[lang], "l:" + lang, capital=english)
        for context in ("format", "stand-alone"):
            for month, name in data["months"][context]["wide"].items():
                out.add(name, f"m:{month}", capital=english, short=3)  # "May", "mai"
            for day, name in data["days"][context]["wide"].items():
                out.add(name, f"d:{day}", capital=english, article=True)
        for currency in CURRENCIES:
            _add_currency(out, data, currency, english)
    for key, names in ALIASES.items():
        for name in names:
            _add_place(out, name, key, capital=name[0].isupper())  # "britannique" is not
    for key, names in ACRONYMS.items():
        for name in names:
            out.add(name, key, capital=True, upper=True)
    return out


def _add_currency(out: Table, data: Any, currency: str, english: bool) -> None:
    """A currency's names (singular and plural) and its bare unit ("dollars", "دولار")."""
    names = data["currency_names"]
    plural = data["currency_names_plural"]
    forms = [names.get(currency)] if currency in names else []
    if currency in plural:
        forms += list(dict(plural[currency]).values())
    unit = "$:" + _unit(currency)  # "US dollar", "dollars", "دولار": one key
    for form in filter(None, forms):
        out.add(form, unit, capital=False)
        words = form.split()
        if len(words) > 1:  # the head noun: first in Arabic, French, Spanish; last in English
            head = words[-1] if english or data["locale_id"] == "de" else words[0]
            out.add(head, unit, capital=False)


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    """Time zones of cities ("Europe/London"), as the Arabic locale names them all."""
    zones = Locale.parse("ar")._data["time_zones"]
    return tuple(z for z in zones if "/" in z and not z.startswith("Etc/"))


def _unit(currency: str) -> str:
    english = Locale.parse("en")._data["currency_names"]
    name = english.get(currency, currency)
    return fold(name.split()[-1]) or currency.lower()


def concept_keys(text: str) -> list[tuple[str, int]]:
    """The concept keys of a text, each with where it occurs (character offset)."""
    concepts = table().first
    folded = fold(text)
    hits = concepts.keys() & set(_TOKEN.findall(folded))
    if not hits:
        return []
    found: list[tuple[str, int]] = []
    after = 0
    # Only the words that start a name are visited (a dozen of an article's ~700 words).
    for start, word in _occurrences(folded, hits):
        entries = concepts[word]
        if start < after:
            continue
        end = start + len(word)
        following = _NEXT.match(folded, end)
        for entry in entries:
            size = len(entry.rest)
            if size and following is not None:
                words = following.groups()[:size]
                if tuple(_bare(w) if w else w for w in words) != entry.rest:
                    continue
            elif size:
                continue
            if entry.case and not _cased(text, start, end, entry.case):
                continue
            found.append((entry.key, start))
            after = following.end(size) if size and following is not None else end
            if entry.key.startswith("m:"):
                found += _date(folded, entry.key, start)
            break
    return found


def _occurrences(folded: str, words: set[str]) -> list[tuple[int, str]]:
    """Where these words occur as whole words, in text order (str.find is a C scan: much
    cheaper than visiting every word of the text)."""
    out = []
    size = len(folded)
    for word in words:
        at = folded.find(word)
        while at >= 0:
            end = at + len(word)
            if (at == 0 or not _letter(folded[at - 1])) and (
                end == size or not _letter(folded[end])
            ):
                out.append((at, word))
            at = folded.find(word, end)
    return sorted(out)


def _cased(text: str, start: int, end: int, case: str) -> bool:
    """Whether the word as written has the case its entry needs."""
    return text[start:end].isupper() if case == "upper" else text[start : start + 1].isupper()


def _letter(char: str) -> bool:
    return char.isalpha()


def _date(folded: str, month: str, at: int) -> list[tuple[str, int]]:
    """A ``t:`` key when the month has its day next to it ("3 March", "March 3", "3. März",
    "3 de marzo", "le 1er mars")."""
    day = _DAY_BEFORE.search(folded, max(0, at - 8), at) or _DAY_AFTER.match(folded, at)
    if day is None or not 1 <= int(day.group(1)) <= 31:
        return []
    return [(f"t:{month[2:]}-{int(day.group(1))}", at)]
