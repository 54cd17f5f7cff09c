"""Dates that name no real day ("31/02/2024", "Thu, 31 Feb 2024", "2024-02-30", day 32, month 13).

Parsers are lenient: dateparser reads "Thu, 31 Feb 2024 10:00" as 1 February (the words around
the year), htmldate turns "31/02/2024" into "02/2024", the 1st. An impossible date is a page
error, not another day: :func:`impossible_date` finds one in a text so the caller can refuse
the parse. It checks the numbers as written, before any parser rounds them.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from functools import lru_cache

from lxml import etree

from aggregator.extraction.dates import arabic
from aggregator.extraction.page import Page

_TIME_DATETIMES = etree.XPath("//time/@datetime")
_TEXT_SCANNED = 20_000  # characters of page text: the date line sits near the headline

# Month names of the languages our sources publish in (Arabic ones after arabic.normalize).
_MONTH_NAMES: dict[int, str] = {
    1: "january jan janvier janv enero januar jänner gennaio janeiro يناير",
    2: "february feb février fevrier févr fevr febrero februar febbraio fevereiro فبراير",
    3: "march mar mars marzo märz marz março marco مارس",
    4: "april apr avril avr abril aprile أبريل ابريل إبريل",
    5: "may mai mayo maggio maio مايو",
    6: "june jun juin junio juni giugno junho يونيو يونيه",
    7: "july jul juillet juil julio juli luglio julho يوليو يوليه",
    8: "august aug août aout agosto أغسطس اغسطس",
    9: "september sep sept septembre septiembre setiembre settembre setembro سبتمبر",
    10: "october oct octobre octubre oktober ottobre outubro أكتوبر اكتوبر",
    11: "november nov novembre noviembre novembro نوفمبر",
    12: "december dec décembre decembre déc diciembre dezember dicembre dezembro ديسمبر",
}
_MONTH_OF = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_YEAR = r"(?:19|20)\d\d"
_YEAR_ONLY = re.compile(rf"{_YEAR}(?!\d)")  # no digit before: see _starts_free
_BEFORE_YEAR = 40  # characters: "31st of February, 2024", "31 de febrero de 2024"
# 31/02/2024, 31.02.2024, 31-02-24, 2024-02-30, 2024/13/01
# The character before must be no digit nor separator: checked in Python (:func:`_starts_free`),
# since a pattern that opens on a look-behind is tried at every position of 20,000 characters,
# and one that opens on a digit only where a digit is (a third of the cost).
_NUMERIC = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?![\d:/-]|\.\d)")
# "31 Feb 2024", "31st of February, 2024", "31 de febrero de 2024", "31. Februar 2024".
# Any word stands for the month, checked against _MONTH_OF in Python: an alternation of a
# hundred month names tried at every position cost ten times more on a page's text.
_WORD = r"([^\W\d_]+)"
_DAY_MONTH = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?{_WORD}\.?,?\s+(?:de\s+)?({_YEAR})(?!\d)",
    re.IGNORECASE,
)
# "Feb 30, 2024", "February 30th 2024". Any word is taken, then kept if it is a month name:
# the same matches as the alternation of month names, which, tried case-insensitively at every
# word of 20,000 characters, cost ~40 ms a page (a tenth of all extraction).
_MONTH_DAY = re.compile(
    rf"(?<!\w){_WORD}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+({_YEAR})(?!\d)", re.IGNORECASE
)


def real_day(year: int, month: int, day: int) -> bool:
    """True when ``day``/``month`` exist in ``year`` (29 February only in leap years)."""
    return 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]


def impossible_date(text: str) -> str | None:
    """The first date written in ``text`` whose day and month form no real calendar day.

    Numeric dates count as impossible only when neither reading (day/month, month/day) is a
    real day; ISO order (year first) is read one way. Returns None when every date is real.
    """
    text = arabic.normalize(text)
    for match in _NUMERIC.finditer(text):
        if not _starts_free(text, match.start(), ".:/-"):
            continue
        first, second, third = match.group(1), int(match.group(3)), match.group(4)
        if _version_like(int(first), second, int(third)):
            continue
        if len(first) == 4 and len(third) <= 2:  # 2024-02-30: year, month, day
            if _is_year(first) and not real_day(int(first), second, int(third)):
                return match.group(0)
        elif len(first) <= 2 and len(third) in (2, 4):  # 31/02/2024 or 02/31/24
            year = int(third) if len(third) == 4 else 2000 + int(third)
            if len(third) == 4 and not _is_year(third):
                continue
            a = int(first)
            if not real_day(year, second, a) and not real_day(year, a, second):
                return match.group(0)
    near = _before_years(text)
    for match in _DAY_MONTH.finditer(near):
        day, month, year = int(match.group(1)), month_number(match.group(2)), int(match.group(3))
        if month and not real_day(year, month, day):
            return match.group(0)
    for match in _MONTH_DAY.finditer(near):
        month, day, year = month_number(match.group(1)), int(match.group(2)), int(match.group(3))
        if month and not real_day(year, month, day):
            return match.group(0)
    return None


def _before_years(text: str) -> str:
    """The words just before each year in ``text``, one line each: where a named date ends.

    Dates with month names end with their year, and a page's text has few years: matching
    these lines instead of the whole text (20,000 characters) costs a fraction.
    """
    lines = []
    for match in _YEAR_ONLY.finditer(text):
        if not _starts_free(text, match.start(), ""):
            continue
        start = max(match.start() - _BEFORE_YEAR, 0)
        line = text[start : match.end()]
        if start > 0:  # drop the word the cut went through ("131 Feb" is not "31 Feb")
            line = line.split(None, 1)[-1] if re.match(r"\S", line) else line
        lines.append(line)
    return "\n".join(lines)


def _starts_free(text: str, at: int, separators: str) -> bool:
    """No digit (nor one of ``separators``) just before ``at``: a match that starts a number.

    A match that starts inside a longer number is dropped; none is lost by it, since every
    position inside such a match also follows a digit or a separator.
    """
    if at == 0:
        return True
    before = text[at - 1]
    return not before.isdecimal() and before not in separators


def _version_like(first: int, second: int, third: int) -> bool:
    """A zero field, or a middle one past 31 ("3.0.17", "2.0.13", "5.40.12"): a version.

    Nobody writes day or month 0 for a date, and the middle field is always a day or a month;
    software versions and scores do write these, and they are no impossible dates.
    """
    return 0 in (first, second, third) or second > 31


def _is_year(text: str) -> bool:
    return re.fullmatch(_YEAR, text) is not None


def month_number(name: str) -> int:
    """The month a name stands for; 0 when the word is no month name we know."""
    return _MONTH_OF.get(name.lower(), 0)


def stated_impossible_date(page: Page, *, in_text: bool = True) -> str | None:
    """An impossible date the page states in its date fields or its first text, if any.

    Read for the article's warnings and before trusting htmldate, which would round it.
    ``in_text=False`` reads the date fields only: scanning the first 20,000 characters of
    text costs as much as all our date finders together, and is worth it only where a text
    date could have been the one chosen.
    """
    fields = [
        value
        for name, values in page.meta.items()
        if "date" in name or "time" in name or "publish" in name
        for value in values
    ]
    if page.article is not None:
        fields += [str(page.article.get(key, "")) for key in ("datePublished", "dateCreated")]
    fields += _TIME_DATETIMES(page.tree)[:20]
    if in_text:
        fields.append(readable_text(page))
    return next(filter(None, map(impossible_date, fields)), None)


def readable_text(page: Page, limit: int = _TEXT_SCANNED) -> str:
    """The page's text without scripts and styles, in document order, up to ``limit`` characters.

    Inline scripts carry version strings ("wordpress 3.0.17", "Font Face Observer v2.0.13")
    that look like impossible dates and would wrongly disqualify htmldate's guess. Read once
    per page (:meth:`Page.text`), serialized by libxml2 rather than walked element by element.
    """
    return page.text()[:limit]


def spells_day(text: str, day: date) -> bool:
    """Whether ``text`` writes ``day`` as a date ("1 January 2020", "Jan. 1, 2020", "01.01.2020",
    "2020-01-01", "2020年1月1日"), day, month and year together.

    A cheap confirmation of a day found elsewhere (a URL, htmldate's guess), without dateparser.
    """
    return _day_pattern(day).search(arabic.normalize(text)) is not None


@lru_cache(maxsize=256)
def _day_pattern(day: date) -> re.Pattern[str]:
    d, m, y = rf"0?{day.day}", rf"0?{day.month}", str(day.year)
    names = "|".join(
        sorted((re.escape(n) for n, number in _MONTH_OF.items() if number == day.month), key=len)[
            ::-1
        ]
    )
    short = rf"(?:{y}|{y[2:]})"
    forms = [
        rf"(?<!\d){d}[./-]{m}[./-]{short}(?!\d)",  # 01.01.2020, 1/1/20
        rf"(?<!\d){m}[./-]{d}[./-]{short}(?!\d)",  # 1/31/2020
        rf"(?<!\d){y}[./-]{m}[./-]{d}(?!\d)",  # 2020-01-01
        rf"(?<!\d){d}(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?(?:{names})\.?,?\s+(?:de\s+)?{y}",
        rf"(?<!\w)(?:{names})\.?\s+{d}(?:st|nd|rd|th)?,?\s+{y}(?!\d)",
        rf"{y}\s*年\s*{m}\s*月\s*{d}\s*日",
    ]
    return re.compile("|".join(forms), re.IGNORECASE)
