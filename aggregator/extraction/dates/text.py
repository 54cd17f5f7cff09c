"""Human-written dates ("publié le 3 février 2021 à 14h05", "منذ ساعتين") read with dateparser.

dateparser does the heavy lifting in the source's languages and time zone. Around it we: rewrite
Arabic months and digits it misses (:mod:`.arabic`), split "published ..., updated ..." so an
update is never taken for the publication, strip leading words that break ``parse``, resolve
relative phrases against the fetch time *in the source's zone* (dateparser reads
``RELATIVE_BASE`` as wall time there), and decide the precision ourselves (dateparser says
"day" for everything).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from dateparser.data.languages_info import language_order
from dateparser.date import DateDataParser

from aggregator.extraction.article import DateOrigin, DateValue
from aggregator.extraction.dates import arabic
from aggregator.extraction.dates.validity import impossible_date
from aggregator.extraction.dates.values import day_value, moment_value

MAX_TEXT = 160  # a date line is short; longer text is a paragraph that merely mentions a date
_KNOWN_LANGUAGES = frozenset(language_order)

# Words announcing an update: what follows them is a modification date.
_MODIFIED = re.compile(
    r"(mis\s+à\s+jour|mise\s+à\s+jour|actualisé|modifié|(?:last\s+)?updated?|last\s+modified|"
    r"actualizad[oa]|actualización|aktualisiert|zuletzt\s+geändert|geändert|atualizad[oa]|"
    r"aggiornat[oa]|آخر\s+تحديث|تم\s+التحديث|تحديث|محدث)",
    re.IGNORECASE,
)
# Leading words announcing the publication; they break dateparser.parse, so we drop them.
_PREFIX = re.compile(
    r"^\s*(?:first\s+)?(?:publié|publiée|posted|published|publicado|publicada|veröffentlicht|"
    r"erschienen|pubblicato|نشر|نُشر|تاريخ\s+النشر|بتاريخ|date|datum|fecha|le|on|am|el|في|:|-|\|)"
    r"(?:\s+(?:le|on|am|el|في|بتاريخ|at|à))?\s*[:\-|]?\s*",
    re.IGNORECASE,
)
# A time of day or a relative phrase in hours/minutes: the date is precise to the minute.
_TIME = re.compile(
    r"\d{1,2}\s*[:h]\s*\d{2}|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.|uhr)\b|"
    r"\b(?:hours?|hrs?|minutes?|mins?|seconds?|secs?|heures?|secondes?|horas?|minutos?|segundos?|"
    r"stunden?|minuten?|sekunden?|ore|minuti|saat|dakika)\b|"
    r"ساعة|ساعات|ساعتين|ساعتان|دقيقة|دقائق|دقيقتين|ثانية|ثوان",
    re.IGNORECASE,
)
_RELATIVE_WORD = re.compile(
    r"\bago\b|il y a|\bhace\b|\bvor\b|منذ|قبل|\bfa\b|önce|prije|назад|\btemu\b|geleden|"
    r"yesterday|today|\bhier\b|aujourd'hui|\bayer\b|\bhoy\b|gestern|heute|أمس|اليوم",
    re.IGNORECASE,
)
_TIME_OF_DAY = re.compile(
    r"\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|uhr|[صم](?!\w))?", re.IGNORECASE
)
# Words that may follow a date and belong to it: "at 5:02 PM", "à 14h05", "um 10:30 Uhr", "EST".
_TIME_WORD = re.compile(
    r"^(?:at|à|a|um|u|alle|om|às|,|-|\d{1,2}(?:[:h.]\d{2}){1,2},?|am|pm|a\.m\.|p\.m\.|uhr|h|"
    r"(?-i:[A-Z]{2,4})|(?:gmt|utc)[+-]?\d{0,4}|[صم])$",
    re.IGNORECASE,
)
# A line worth handing to dateparser names a year, a numeric date, or is relative ("2 h ago").
_DATEISH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|\d{1,2}[./-]\d{1,2}[./-]\d{2}")


def looks_like_date(text: str) -> bool:
    """Cheap test before dateparser: a year, a numeric date, a relative phrase, a Hijri date."""
    text = arabic.normalize(text)
    if _DATEISH.search(text) or _RELATIVE_WORD.search(text):
        return True
    return arabic.has_arabic(text) and arabic.hijri_to_gregorian(text) is not None


def is_relative(text: str) -> bool:
    """True for "2 hours ago", "il y a 3 jours", "منذ ساعتين", "hier"..."""
    return bool(_RELATIVE_WORD.search(text)) and not _DATEISH.search(arabic.normalize(text))


@dataclass(frozen=True)
class TextContext:
    """What reading a human date needs: the source's languages and zone, and the fetch time."""

    languages: tuple[str, ...] | None
    zone: tzinfo
    fetched_at: datetime  # aware

    def settings(self) -> dict[str, Any]:
        """dateparser settings; RELATIVE_BASE is the fetch time as wall time in the zone."""
        base = self.fetched_at.astimezone(self.zone).replace(tzinfo=None)
        return {
            "TIMEZONE": str(self.zone),
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": base,
            # No "timestamp"/"no-spaces-time": a view counter must not become a date.
            "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
        }

    def dateparser_languages(self) -> list[str] | None:
        """The languages dateparser knows among ours (None lets it detect)."""
        known = [lang for lang in self.languages or () if lang in _KNOWN_LANGUAGES]
        return known or None


@dataclass(frozen=True)
class TextDates:
    """The publication and update dates one piece of text gave (either may be missing)."""

    published: DateValue | None = None
    modified: DateValue | None = None


def read_text_dates(text: str, context: TextContext, origin: DateOrigin = "text") -> TextDates:
    """Read "published ... / updated ..." text into dates; an update never counts as published."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_TEXT or not re.search(r"\d|[\u0660-\u0669]", text + "0"):
        return TextDates()
    text = arabic.normalize(text)
    marker = _MODIFIED.search(text)
    if marker is None:
        return TextDates(published=parse_human_date(text, context, origin))
    before, after = text[: marker.start()], text[marker.end() :]
    return TextDates(
        published=parse_human_date(before, context, origin) if before.strip() else None,
        modified=parse_human_date(after, context, origin),
    )


def parse_human_date(text: str, context: TextContext, origin: DateOrigin) -> DateValue | None:
    """One human-written date, in the source's zone; None when there is none.

    A Gregorian date wins; a Hijri date is used when it is the only one in the text.
    """
    original = arabic.normalize(text)
    if impossible_date(original):  # "31/02/2024" is no day; parsers would round it to one
        return None
    hijri = arabic.hijri_to_gregorian(original)
    text = _PREFIX.sub("", arabic.strip_hijri(original)).strip(" ,.;|-–—")
    found = None
    if re.search(r"\d", text) or _RELATIVE_WORD.search(text):
        found = _parse(text, context) or _parse_windows(text, context)
    if found is not None:
        moment, matched = found
        # "16:45" alone is today's time, not a date the page gives.
        if re.search(r"\d", _TIME_OF_DAY.sub(" ", matched)) or _RELATIVE_WORD.search(matched):
            if _TIME.search(matched):
                return moment_value(moment, origin, matched)
            return day_value(moment.astimezone(context.zone).date(), origin, matched)
    return day_value(hijri, origin, original) if hijri else None


def _parse(text: str, context: TextContext) -> tuple[datetime, str] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parser = DateDataParser(
            languages=context.dateparser_languages(), settings=context.settings()
        )
        data = parser.get_date_data(text)
    if data.date_obj is None or data.period not in ("day", "time", None):
        return None
    return _aware(data.date_obj, context), text


def _parse_windows(text: str, context: TextContext) -> tuple[datetime, str] | None:
    """Parse the few words around a year or relative phrase when the whole line fails.

    "By Jane Doe | Monday Nov 23, 2020 at 5:02 AM Nov 23, 2020" defeats ``parse``;
    ``search_dates`` returns "Monday Nov 23" (wrong year) for it. We take up to three words
    before the year and the time words after it, widest first.
    """
    tokens = text.split()
    anchors = [i for i, t in enumerate(tokens) if _DATEISH.search(t) or _RELATIVE_WORD.search(t)]
    for anchor in anchors[:2]:
        end = anchor + 1
        while end < len(tokens) and end - anchor <= 4 and _TIME_WORD.match(tokens[end]):
            end += 1
        for start in range(max(anchor - 3, 0), anchor + 1):
            window = " ".join(tokens[start:end]).strip(" ,.;|-–—()")
            if window != text and (found := _parse(window, context)):
                return found
    return None


def _aware(moment: datetime, context: TextContext) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=context.zone)
    return moment
