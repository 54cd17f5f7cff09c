"""Human-written dates from real pages, in Arabic, French, English, Spanish and German.

Each row: the text as printed on a page, the source's languages and time zone, and what we
must store (UTC, precision) as publication and/or update date. Pages were fetched at
2021-02-04 10:00 UTC, which relative phrases ("منذ ساعتين", "il y a 2 heures") resolve against.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from aggregator.extraction.dates.text import TextContext, read_text_dates

FETCHED = datetime(2021, 2, 4, 10, 0, tzinfo=UTC)

# (text, languages, zone, published, modified); a date "YYYY-MM-DD" means day precision
# (the page's local day), "YYYY-MM-DDTHH:MMZ" minute precision in UTC.
CASES = [
    # Arabic: Egyptian/Gulf months, Arabic-Indic digits, AM/PM markers
    ("الأربعاء، 3 فبراير 2021 02:05 م", "ar", "Asia/Dubai", "2021-02-03T10:05Z", None),
    ("3 فبراير 2021 10:05 ص", "ar", "Asia/Dubai", "2021-02-03T06:05Z", None),
    ("4 فبراير 2021", "ar", "Asia/Dubai", "2021-02-04", None),
    ("٤ فبراير ٢٠٢١", "ar", "Asia/Dubai", "2021-02-04", None),
    ("نشر بتاريخ: 03/02/2021 - 14:30", "ar", "Africa/Cairo", "2021-02-03T12:30Z", None),
    ("آخر تحديث: 4 فبراير 2021", "ar", "Asia/Riyadh", None, "2021-02-04"),
    # Arabic: Levantine (Syriac) months, which dateparser does not know
    ("٤ شباط ٢٠٢١", "ar", "Asia/Beirut", "2021-02-04", None),
    ("3 آذار 2020", "ar", "Asia/Beirut", "2020-03-03", None),
    ("3 نيسان 2020", "ar", "Asia/Damascus", "2020-04-03", None),
    ("7 أيار 2020", "ar", "Asia/Amman", "2020-05-07", None),
    ("10 حزيران 2020", "ar", "Asia/Beirut", "2020-06-10", None),
    ("1 تموز 2020", "ar", "Asia/Beirut", "2020-07-01", None),
    ("20 آب 2020", "ar", "Asia/Beirut", "2020-08-20", None),
    ("5 أيلول 2020", "ar", "Asia/Baghdad", "2020-09-05", None),
    ("الخميس 15 تشرين الأول 2020", "ar", "Asia/Damascus", "2020-10-15", None),
    ("9 تشرين الثاني 2020", "ar", "Asia/Beirut", "2020-11-09", None),
    ("25 كانون الأول 2020", "ar", "Asia/Beirut", "2020-12-25", None),
    ("12 كانون الثاني 2021 - 09:15", "ar", "Asia/Beirut", "2021-01-12T07:15Z", None),
    # Arabic: Maghrebi months
    ("3 فيفري 2021", "ar", "Africa/Algiers", "2021-02-03", None),
    ("14 جويلية 2020", "ar", "Africa/Tunis", "2020-07-14", None),
    ("20 غشت 2020", "ar", "Africa/Casablanca", "2020-08-20", None),
    # Arabic: relative phrases
    ("منذ ساعتين", "ar", "Asia/Dubai", "2021-02-04T08:00Z", None),
    ("منذ 3 ساعات", "ar", "Asia/Dubai", "2021-02-04T07:00Z", None),
    ("منذ 5 دقائق", "ar", "Asia/Dubai", "2021-02-04T09:55Z", None),
    # Arabic: Hijri only, and Hijri next to Gregorian (Gregorian wins)
    ("الثلاثاء 20 جمادى الآخرة 1442 هـ", "ar", "Asia/Riyadh", "2021-02-02", None),
    ("١ رمضان ١٤٤١ هـ", "ar", "Asia/Riyadh", "2020-04-24", None),
    ("٢٠ جمادى الآخرة ١٤٤٢ هـ - 10:30", "ar", "Asia/Riyadh", "2021-02-02", None),
    ("20 جمادى الآخرة 1442 هـ الموافق 2 فبراير 2021", "ar", "Asia/Riyadh", "2021-02-02", None),
    # French
    ("Publié le 3 février 2021 à 14h05", "fr", "Europe/Paris", "2021-02-03T13:05Z", None),
    ("publié le 3 février 2021 à 14h05", "fr", "Europe/Paris", "2021-02-03T13:05Z", None),
    ("3 février 2021 à 14h05", "fr", "Europe/Paris", "2021-02-03T13:05Z", None),
    ("Mis à jour le 4 février 2021", "fr", "Europe/Paris", None, "2021-02-04"),
    (
        "Publié le 3 février 2021 à 14h05, mis à jour le 4 février 2021 à 09h30",
        "fr",
        "Europe/Paris",
        "2021-02-03T13:05Z",
        "2021-02-04T08:30Z",
    ),
    ("il y a 2 heures", "fr", "Europe/Paris", "2021-02-04T08:00Z", None),
    ("Le 12 juillet 2020 à 18:30", "fr", "Europe/Paris", "2020-07-12T16:30Z", None),
    ("mercredi 3 février 2021", "fr", "Europe/Paris", "2021-02-03", None),
    ("03/02/2021 à 14:05", "fr", "Europe/Paris", "2021-02-03T13:05Z", None),
    ("hier à 18h00", "fr", "Europe/Paris", "2021-02-03T17:00Z", None),
    ("1er mars 2020", "fr", "Europe/Paris", "2020-03-01", None),
    ("Publié le 03/02/2021", "fr", "Africa/Algiers", "2021-02-03", None),
    # English
    ("Feb 3, 2021 2:05 PM EST", "en", "America/New_York", "2021-02-03T19:05Z", None),
    ("February 3, 2021", "en", "America/New_York", "2021-02-03", None),
    ("Published 3 February 2021", "en", "Europe/London", "2021-02-03", None),
    ("Updated: February 4, 2021 9:30 AM", "en", "America/New_York", None, "2021-02-04T14:30Z"),
    ("2 hours ago", "en", "America/New_York", "2021-02-04T08:00Z", None),
    ("5 minutes ago", "en", "Europe/London", "2021-02-04T09:55Z", None),
    ("Posted on March 5, 2020", "en", "America/Chicago", "2020-03-05", None),
    ("Wednesday 3 February 2021 14:05 GMT", "en", "Europe/London", "2021-02-03T14:05Z", None),
    (
        "By Jane Doe | Monday Nov 23, 2020 at 5:02 AM",
        "en",
        "America/New_York",
        "2020-11-23T10:02Z",
        None,
    ),
    ("Jul 10, 2020, 11:25 PM", "en", "America/New_York", "2020-07-11T03:25Z", None),
    ("yesterday at 6:30 pm", "en", "America/New_York", "2021-02-03T23:30Z", None),
    ("02/03/2021", "en", "America/New_York", "2021-02-03", None),
    # Spanish
    ("3 de febrero de 2021", "es", "Europe/Madrid", "2021-02-03", None),
    (
        "Publicado el 3 de febrero de 2021 a las 14:05",
        "es",
        "Europe/Madrid",
        "2021-02-03T13:05Z",
        None,
    ),
    ("hace 2 horas", "es", "Europe/Madrid", "2021-02-04T08:00Z", None),
    ("Actualizado: 4 de febrero de 2021", "es", "Europe/Madrid", None, "2021-02-04"),
    (
        "miércoles, 3 de febrero de 2021 10:30",
        "es",
        "America/Mexico_City",
        "2021-02-03T16:30Z",
        None,
    ),
    ("03/02/2021 14:05", "es", "Europe/Madrid", "2021-02-03T13:05Z", None),
    # German
    ("3. Februar 2021, 14:05 Uhr", "de", "Europe/Berlin", "2021-02-03T13:05Z", None),
    ("Veröffentlicht am 3. Februar 2021", "de", "Europe/Berlin", "2021-02-03", None),
    ("vor 2 Stunden", "de", "Europe/Berlin", "2021-02-04T08:00Z", None),
    (
        "Aktualisiert am 4. Februar 2021, 09:30 Uhr",
        "de",
        "Europe/Berlin",
        None,
        "2021-02-04T08:30Z",
    ),
    ("03.02.2021, 14:05", "de", "Europe/Berlin", "2021-02-03T13:05Z", None),
    ("Mittwoch, 15. Juli 2020, 18:00 Uhr", "de", "Europe/Berlin", "2020-07-15T16:00Z", None),
    ("gestern, 18:00 Uhr", "de", "Europe/Berlin", "2021-02-03T17:00Z", None),
    # Not dates: counters, a bare time of day, a month alone
    ("185", "ar", "Asia/Dubai", None, None),
    ("16:45", "en", "Europe/London", None, None),
    ("June 2020", "en", "Europe/London", None, None),
]


def _expected(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    if len(text) == 10:
        return f"{text}T00:00:00+00:00", "day"
    return text.replace("Z", ":00+00:00"), "minute"


@pytest.mark.parametrize(
    ("text", "language", "zone", "published", "modified"), CASES, ids=[c[0] for c in CASES]
)
def test_date_strings(
    text: str, language: str, zone: str, published: str | None, modified: str | None
) -> None:
    context = TextContext(languages=(language,), zone=ZoneInfo(zone), fetched_at=FETCHED)
    found = read_text_dates(text, context)
    for value, want in ((found.published, published), (found.modified, modified)):
        got = (value.value.isoformat(), value.precision) if value else None
        assert got == _expected(want)


def test_table_is_large_and_multilingual() -> None:
    assert len(CASES) >= 60
    assert {c[1] for c in CASES} == {"ar", "fr", "en", "es", "de"}


def test_day_precision_keeps_the_local_day() -> None:
    """4 Feb in Dubai starts on 3 Feb 20:00 UTC; the stored day must still be the 4th."""
    context = TextContext(("ar",), ZoneInfo("Asia/Dubai"), FETCHED)
    value = read_text_dates("4 فبراير 2021", context).published
    assert value is not None
    assert value.iso() == "2021-02-04"
    assert value.local_date().isoformat() == "2021-02-04"


def test_offset_is_kept_for_display() -> None:
    context = TextContext(("fr",), ZoneInfo("Europe/Paris"), FETCHED)
    value = read_text_dates("3 février 2021 à 14h05", context).published
    assert value is not None
    assert (value.offset, value.origin, value.iso()) == ("+01:00", "text", "2021-02-03T13:05:00Z")


def test_relative_dates_use_the_fetch_time_not_the_clock() -> None:
    later = TextContext(("en",), ZoneInfo("Asia/Tokyo"), datetime(2030, 1, 1, 0, 0, tzinfo=UTC))
    value = read_text_dates("2 hours ago", later).published
    assert value is not None
    assert value.value == datetime(2029, 12, 31, 22, 0, tzinfo=UTC)
