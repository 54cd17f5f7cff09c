"""Arabic dates dateparser cannot read alone: Levantine and Maghrebi months, Hijri-only dates.

dateparser knows the Egyptian/Gulf month names (يناير، فبراير ...). Lebanese, Syrian, Iraqi
and Jordanian outlets write the Syriac names (كانون الثاني، شباط، آذار ...), Algeria and
Tunisia the French-derived ones (جانفي، فيفري ...), Morocco its own (يوليوز، غشت ...). We
rewrite all of them to the Egyptian set before parsing. Some outlets print only a Hijri date;
those are converted with ``hijridate`` (Umm al-Qura calendar).
"""

from __future__ import annotations

import re
from datetime import date

from hijridate import Hijri

_EGYPTIAN = [
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
]  # fmt: skip

# Month number -> spellings seen in the wild (with and without hamza, with and without "ال").
_VARIANTS: dict[int, list[str]] = {
    1: ["كانون الثاني", "كانون ثاني", "جانفي", "جانفييه"],
    2: ["شباط", "فيفري"],
    3: ["آذار", "اذار", "أذار"],
    4: ["نيسان", "أفريل", "افريل", "ابريل", "إبريل"],
    5: ["أيار", "ايار", "ماي"],
    6: ["حزيران", "جوان", "يونيه"],
    7: ["تموز", "جويلية", "جويلة", "يوليوز", "يوليه"],
    8: ["آب", "اب", "أوت", "اوت", "غشت", "أغسطس", "اغسطس"],
    9: ["أيلول", "ايلول", "شتنبر"],
    10: ["تشرين الأول", "تشرين الاول", "تشرين أول", "تشرين اول", "اكتوبر"],
    11: ["تشرين الثاني", "تشرين ثاني", "نونبر"],
    12: ["كانون الأول", "كانون الاول", "كانون أول", "كانون اول", "دجنبر"],
}

# Longest first so "كانون الثاني" is replaced before a shorter name could match inside it.
_MONTHS = re.compile(
    r"(?<!\w)("
    + "|".join(
        sorted((re.escape(v) for vs in _VARIANTS.values() for v in vs), key=len, reverse=True)
    )
    + r")(?!\w)"
)
_MONTH_OF = {v: n for n, vs in _VARIANTS.items() for v in vs}

# Arabic-Indic and Persian digits -> ASCII, and the Arabic comma/date separators.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

_HIJRI_MONTHS: dict[int, list[str]] = {
    1: ["محرم"],
    2: ["صفر"],
    3: ["ربيع الأول", "ربيع الاول", "ربيع أول", "ربيع اول"],
    4: ["ربيع الآخر", "ربيع الثاني", "ربيع الاخر", "ربيع ثاني"],
    5: ["جمادى الأولى", "جمادى الاولى", "جمادى الأول", "جمادى الاول"],
    6: ["جمادى الآخرة", "جمادى الثانية", "جمادى الاخرة", "جمادى الآخر", "جمادى الثاني"],
    7: ["رجب"],
    8: ["شعبان"],
    9: ["رمضان"],
    10: ["شوال"],
    11: ["ذو القعدة", "ذي القعدة"],
    12: ["ذو الحجة", "ذي الحجة"],
}
_HIJRI_OF = {v: n for n, vs in _HIJRI_MONTHS.items() for v in vs}
_HIJRI = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s*(?P<m>"
    + "|".join(sorted((re.escape(v) for v in _HIJRI_OF), key=len, reverse=True))
    + r")\s*(?P<y>1[34]\d\d)(?!\d)"
)
# "14-09-1432 هـ", "1432/09/14هـ": numeric Hijri dates. Without the "هـ" mark only a 14xx year is
# taken as Hijri (13xx is also the Persian solar calendar's century, "هـ.ش").
_HIJRI_NUMERIC = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>1[34]\d\d)"
    r"|(?P<y2>1[34]\d\d)[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2}))(?!\d)"
    r"(?P<mark>\s*هـ?(?!\s*\.?\s*ش))?"
)
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def has_arabic(text: str) -> bool:
    """True when the text has Arabic letters (and so may need the rewrites below)."""
    return bool(_ARABIC.search(text))


_SAME_MONTH_TWICE = re.compile(
    "(" + "|".join(map(re.escape, _EGYPTIAN)) + r")\s*[/\-–(]\s*\1(?:\s*\))?"
)


def normalize(text: str) -> str:
    """ASCII digits and Egyptian month names, so dateparser's Arabic locale can read it."""
    if not has_arabic(text):  # Arabic-Indic and Persian digits are in the Arabic block too
        return text
    text = text.translate(_DIGITS)
    text = _MONTHS.sub(lambda m: _EGYPTIAN[_MONTH_OF[m.group(1)] - 1], text)
    # Levantine outlets give both names, "24 نيسان / أبريل 2020": one month once normalized.
    text = _SAME_MONTH_TWICE.sub(r"\1", text)
    return text.replace("،", " ").replace("ـ", "")


def hijri_to_gregorian(text: str) -> date | None:
    """The Gregorian day of the first Hijri date in normalized text (``20 جمادى الآخرة 1442``)."""
    match = _HIJRI.search(text)
    if match is not None:
        return _convert(int(match.group("y")), _HIJRI_OF[match.group("m")], int(match.group("d")))
    numeric = _HIJRI_NUMERIC.search(text)
    if numeric is None:
        return None
    year = int(numeric.group("y") or numeric.group("y2"))
    if not (numeric.group("mark") or "").strip() and year < 1400:
        return None
    month = int(numeric.group("m") or numeric.group("m2"))
    return _convert(year, month, int(numeric.group("d") or numeric.group("d2")))


def _convert(year: int, month: int, day: int) -> date | None:
    try:
        gregorian = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return date(gregorian.year, gregorian.month, gregorian.day)


def strip_hijri(text: str) -> str:
    """The text without its Hijri date, so a Gregorian date next to it parses alone."""
    text = _HIJRI.sub(" ", text)
    return _HIJRI_NUMERIC.sub(
        lambda m: " " if m.group("mark") or int(m.group("y") or m.group("y2")) >= 1400 else m[0],
        text,
    )
