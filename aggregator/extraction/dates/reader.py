"""``parse_date_string``: one human-written date ("3 février 2021 à 14h05", "منذ ساعتين") read.

Two candidates, so we are never worse than dateparser and often better:

- plain ``dateparser`` on the text as written, in the given languages and zone;
- ours: Arabic months and digits rewritten (:mod:`.arabic`), Hijri dates converted, curly
  apostrophes straightened, leading words ("Publié le") dropped, numeric dates read in the
  language's order (``03.05.2013`` is 3 May in German even when English is also allowed), and,
  when the whole line fails, the few words around its year.

Ours wins when both read a date, unless it read only part of the line and plain dateparser
read all of it. We also decide the precision (dateparser says "day" for everything): ``minute``
with a time of day or a relative hour/minute, ``month`` for "June 2020", else ``day``. A time
alone ("16:45") or a counter ("185") is not a date.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from dateparser.data.languages_info import language_order
from dateparser.date import DateDataParser

from aggregator.extraction.article import DateOrigin, DateValue
from aggregator.extraction.dates import arabic, patterns, persian
from aggregator.extraction.dates.english import read_english_date
from aggregator.extraction.dates.validity import impossible_date
from aggregator.extraction.dates.values import day_value, moment_value
from aggregator.extraction.dates.zones import country_of_zone, date_order

_KNOWN_LANGUAGES = frozenset(language_order)
_NOTHING = re.compile(r"(?!x)x")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "\u00a0": " "})
# "14h05" (French, Portuguese): some dateparser locales read it as 14:00 or not at all.
_H_TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-3])\s*h\s*([0-5]\d)(?!\d)", re.IGNORECASE)


@dataclass(frozen=True)
class TextContext:
    """What reading a human date needs: the languages and zone to read in, and "now"."""

    languages: tuple[str, ...] | None
    zone: tzinfo
    fetched_at: datetime  # aware

    def settings(self, plain: bool = False) -> dict[str, Any]:
        """dateparser settings; RELATIVE_BASE is the fetch time as wall time in the zone."""
        base = self.fetched_at.astimezone(self.zone).replace(tzinfo=None)
        settings: dict[str, Any] = {
            "TIMEZONE": str(self.zone),
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": base,
        }
        if plain:
            return settings
        order = date_order(self.dateparser_languages()[0], country_of_zone(self.zone))
        if order:
            settings["DATE_ORDER"] = order
        # No "timestamp"/"no-spaces-time": a view counter must not become a date.
        settings["PARSERS"] = ["relative-time", "custom-formats", "absolute-time"]
        settings["PREFER_DAY_OF_MONTH"] = "first"
        return settings

    def dateparser_languages(self) -> list[str | None]:
        """The languages dateparser knows among ours ([None] lets it detect)."""
        known = [lang for lang in self.languages or () if lang in _KNOWN_LANGUAGES]
        return list(known) or [None]


_WRITTEN_OFFSET = re.compile(r"(?:gmt|utc)\s*([+-])\s*(\d{1,2})(?::?(\d\d))?(?!\d)", re.I)
_DAY_NUMBER = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
_ZONE_OFFSET = re.compile(r"(?:gmt|utc)\s*[+-]\s*\d{1,4}(?::\d\d)?|(?<=\s)[+-]\d\d:?\d\d\b", re.I)


def parse_date_string(
    text: str,
    languages: tuple[str, ...] | list[str] | None = None,
    zone: tzinfo | str = "UTC",
    now: datetime | None = None,
    *,
    origin: DateOrigin = "text",
) -> DateValue | None:
    """Read one human-written date string; None when it gives no date.

    ``languages`` (ISO 639-1, most likely first: its numeric order decides ``03/05/2013``),
    ``zone`` (for bare local times and the local day), ``now`` (aware; resolves "2 hours ago"
    and "yesterday"; default: the clock). The result is a :class:`DateValue` with precision
    ``minute``, ``day`` (the local calendar day, never shifted by a zone) or ``month``.
    """
    context = TextContext(
        languages=tuple(languages) if languages else None,
        zone=ZoneInfo(zone) if isinstance(zone, str) else zone,
        fetched_at=(now or datetime.now(UTC)).astimezone(UTC),
    )
    return read_date(text, context, origin)


def read_date(text: str, context: TextContext, origin: DateOrigin = "text") -> DateValue | None:
    """:func:`parse_date_string` with the languages, zone and "now" in one context."""
    text = " ".join(text.translate(_APOSTROPHES).split())
    if not text or len(text) > patterns.MAX_TEXT:
        return None
    if impossible_date(arabic.normalize(text)):  # "31/02/2024" is no day; parsers round it to one
        return None
    ours, whole = _ours(text, context, origin)
    if ours is not None and whole:
        return ours
    if ours is None and _same_reading(text, context):
        return None  # plain dateparser would read exactly what we read: save the second call
    plain = _plain(text, context, origin)
    return plain if plain is not None and (ours is None or plain.precision != "month") else ours


def _ours(text: str, context: TextContext, origin: DateOrigin) -> tuple[DateValue | None, bool]:
    """Our reading, and whether it used the whole line (not a window of it)."""
    original = _common_era(arabic.normalize(text), context)
    original = persian.to_gregorian(original, (context.languages or ("",))[0] == "fa")
    hijri = arabic.hijri_to_gregorian(original)
    line = patterns.PREFIX.sub("", arabic.strip_hijri(original)).strip(" ,.;|-–—")
    line = _own_zone_names(context).sub("", line).strip(" ,.;|-–—") if line else line
    whole = True
    found = None
    if line:
        found = _parse(line, context)
        if found is None:
            found, whole = _parse_windows(line, context), False
    if found is not None:
        value = _value(found, context, origin)
        if value is not None:
            return value, whole
    return (day_value(hijri, origin, original) if hijri else None), True


def _own_zone_names(context: TextContext) -> re.Pattern[str]:
    """The zone's own abbreviations ("IST" in Kolkata, "EST"/"EDT" in New York).

    Abbreviations are ambiguous (dateparser takes IST for Israel); written on a page of that
    zone they mean the zone, which the reading uses anyway.
    """
    return _zone_names(context.zone, context.fetched_at.year)


@lru_cache(maxsize=64)
def _zone_names(zone: tzinfo, year: int) -> re.Pattern[str]:
    moments = (datetime(year, 1, 15, tzinfo=UTC), datetime(year, 7, 15, tzinfo=UTC))
    names = {zone.tzname(m.astimezone(zone)) or "" for m in moments}
    names = {n for n in names if n.isalpha() and n not in ("UTC", "GMT")}
    if not names:
        return _NOTHING
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(names)) + r")(?!\w)")


def _same_reading(text: str, context: TextContext) -> bool:
    """Whether plain dateparser would get the very line we parsed, with the same meaning.

    Then it differs only in settings: its parsers for digit runs ("20210203", timestamps),
    which need a line without letters, and the numeric order, which it gets wrong.
    """
    line = patterns.PREFIX.sub("", arabic.normalize(text)).strip(" ,.;|-–—")
    return line == text and _has_letters(text) and not _H_TIME.search(text)


def _common_era(text: str, context: TextContext) -> str:
    """Thai years in the Buddhist era (2564) as Common Era years (2021)."""
    if not (patterns.THAI.search(text) or (context.languages or ("",))[0] == "th"):
        return text
    return patterns.BUDDHIST_YEAR.sub(
        lambda m: str(int(m.group(1)) - patterns.BUDDHIST_ERA_OFFSET), text
    )


def _plain(text: str, context: TextContext, origin: DateOrigin) -> DateValue | None:
    """Plain dateparser on the line as written, held to the same rules as ours."""
    found = _parse(text, context, plain=True)
    return _value(found, context, origin) if found else None


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _value(
    found: tuple[datetime, str, str | None], context: TextContext, origin: DateOrigin
) -> DateValue | None:
    moment, matched, period = found
    if period == "month":
        if not patterns.YEAR.search(arabic.normalize(matched)):
            return None  # "June" alone
        return _month_value(moment.date(), origin, matched)
    # "16:45" alone is today's time and "185" a counter, not dates the page gives.
    bare = patterns.TIME_OF_DAY.sub(" ", matched)
    dated = re.search(r"\d", bare) or patterns.RELATIVE_WORD.search(matched)
    if not dated and not _names_a_day(bare):
        return None
    if re.fullmatch(r"\s*\d{1,4}\s*", matched):
        return None
    if patterns.YEAR.search(arabic.normalize(matched)) and not _has_day(matched):
        return None  # "Jan 2020, 22:11": dateparser would put today's day in
    if patterns.TIME.search(matched):
        return moment_value(_as_written(moment, matched), origin, matched)
    return day_value(moment.astimezone(context.zone).date(), origin, matched)


def _as_written(moment: datetime, matched: str) -> datetime:
    """The moment in the offset the text wrote ("22:11 GMT+10"): dateparser gives it in UTC."""
    written = _WRITTEN_OFFSET.search(matched)
    if written is None:
        return moment
    hours, minutes = int(written.group(2)), int(written.group(3) or 0)
    delta = timedelta(hours=hours, minutes=minutes)
    if delta > timedelta(hours=14) or minutes >= 60:
        return moment
    return moment.astimezone(timezone(-delta if written.group(1) == "-" else delta))


def _names_a_day(text: str) -> bool:
    """Words only ("Monday", "Aujourd'hui"): a date when they name a day, not a zone name."""
    return _has_letters(patterns.ZONE_WORDS.sub(" ", text))


def _month_value(day: date, origin: DateOrigin, raw: str) -> DateValue:
    value = day_value(date(day.year, day.month, 1), origin, raw)
    return DateValue(value.value, None, origin, "month", value.raw)


def _parse(
    text: str, context: TextContext, plain: bool = False
) -> tuple[datetime, str, str | None] | None:
    if not text.strip():
        return None
    if not plain and context.dateparser_languages()[0] == "en":
        moment = read_english_date(text, context.zone)
        if moment is not None:
            return moment, text, "day"  # as dateparser says, with or without a time
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        languages = context.dateparser_languages()
        parser = DateDataParser(
            languages=None if languages == [None] else languages,
            settings=context.settings(plain),
        )
        try:
            data = parser.get_date_data(text if plain else _H_TIME.sub(r"\1:\2", text))
        except (ValueError, OverflowError, TypeError):
            return None
    # "a week ago" is a day; a year alone ("2021") is no date.
    if data.date_obj is None or data.period not in ("day", "time", "month", "week", None):
        return None
    if data.period == "week":
        data.period = "day"
    moment = data.date_obj
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=context.zone)
    return moment, text, data.period


def _parse_windows(text: str, context: TextContext) -> tuple[datetime, str, str | None] | None:
    """Parse the few words around a year or relative phrase when the whole line fails.

    "By Jane Doe | Monday Nov 23, 2020 at 5:02 AM Nov 23, 2020" defeats ``parse``;
    ``search_dates`` returns "Monday Nov 23" (wrong year) for it. We take up to three words
    before the year and the time words after it, widest first.
    """
    tokens = text.split()
    anchors = [
        i
        for i, t in enumerate(tokens)
        if patterns.DATEISH.search(t) or patterns.RELATIVE_WORD.search(t)
    ]
    for anchor in anchors[:2]:
        end = anchor + 1
        while end < len(tokens) and end - anchor <= 4 and patterns.TIME_WORD.match(tokens[end]):
            end += 1
        for start in range(max(anchor - 3, 0), anchor + 1):
            # Connectors ("kl", "um", "à") help no parser; the time after them does.
            words = [t for t in tokens[start:end] if not patterns.CONNECTOR.match(t)]
            window = " ".join(words).strip(" ,.;|-–—()")
            found = _parse(window, context) if window != text else None
            if found and (found[2] == "month" or _has_day(window)):
                return found
    return None


def _has_day(window: str) -> bool:
    """Whether a window names its day: "Jan 2020, 22:11" does not (the line's "13" was cut).

    dateparser fills a missing day with today's, so such a window would give a wrong day.
    """
    bare = _ZONE_OFFSET.sub(" ", patterns.TIME_OF_DAY.sub(" ", arabic.normalize(window)))
    return bool(_DAY_NUMBER.search(bare) or patterns.RELATIVE_WORD.search(window))
