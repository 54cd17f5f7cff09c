"""Persian solar (Jalali, Shamsi) dates, as Iranian and Afghan outlets print them.

"دوشنبه ۲ تیر ۱۳۹۹" is Monday 22 June 2020; "۱۳۹۹/۰۴/۰۲" the same day. dateparser reads neither
(it takes 1399 for a Gregorian year, so the date is refused as before 1995), and ``hijridate``
knows only the lunar calendar. We rewrite a Jalali date to its Gregorian ISO day before parsing,
keeping the rest of the line (its time of day) for dateparser; ``jdatetime`` converts.

Jalali years of the news era are 1373-1409 (1995-2030): a numeric year-first date in that range
on a Persian-script line is Jalali, while lunar Hijri years then are 1415 and later.
"""

from __future__ import annotations

import re
from datetime import date

import jdatetime

# Month names as written, after Arabic yeh and kaf are read as Persian ones (ي -> ی, ك -> ک).
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("فروردین",),
    2: ("اردیبهشت",),
    3: ("خرداد",),
    4: ("تیر",),
    5: ("مرداد", "امرداد"),
    6: ("شهریور",),
    7: ("مهر",),
    8: ("آبان", "ابان"),
    9: ("آذر", "اذر"),
    10: ("دی",),
    11: ("بهمن",),
    12: ("اسفند",),
}
_MONTH_OF = {name: number for number, names in _MONTHS.items() for name in names}
_NAMES = "|".join(sorted(map(re.escape, _MONTH_OF), key=len, reverse=True))
_YEAR = r"1[34]\d\d"
# "2 تیر 1399", "۲ تیر ماه ۱۳۹۹"
_NAMED = re.compile(rf"(?<!\d)(\d{{1,2}})\s*({_NAMES})(?:\s+ماه)?\s+({_YEAR})(?!\d)")
# "1399/04/02", "1399-4-2" on a Persian-script line
_NUMERIC = re.compile(r"(?<!\d)(13[7-9]\d|140\d)([/.-])(\d{1,2})\2(\d{1,2})(?!\d)")
_PERSIAN_LETTERS = re.compile(r"[پچژگیک]")
_AS_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def to_gregorian(text: str, persian: bool = False) -> str:
    """``text`` with its first Jalali date rewritten as a Gregorian ISO day (``2020-06-22``).

    ``persian`` says the line is Persian even without Persian-only letters (the page's
    language is ``fa``): numeric year-first dates are then read as Jalali too. Text without a
    Jalali date comes back unchanged.
    """
    if not re.search(r"[\u0600-\u06ff]", text) and not persian:
        return text
    line = text.translate(_DIGITS).translate(_AS_PERSIAN)
    named = _NAMED.search(line)
    if named is not None:
        day = _convert(int(named.group(3)), _MONTH_OF[named.group(2)], int(named.group(1)))
        return _replaced(line, named, day) if day else text
    numeric = _NUMERIC.search(line)
    if numeric is not None and (persian or _PERSIAN_LETTERS.search(line)):
        day = _convert(int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4)))
        return _replaced(line, numeric, day) if day else text
    return text


def _replaced(line: str, match: re.Match[str], day: date) -> str:
    return f"{line[: match.start()]}{day.isoformat()}{line[match.end() :]}"


def _convert(year: int, month: int, day: int) -> date | None:
    """The Gregorian day of a Jalali date; None when it names no real day."""
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        return None
